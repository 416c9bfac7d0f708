/**
 * One agent of a fleet as discovery finds it (a hosts file or the Kubernetes API): the
 * fleet runner pairs these and runs one plan per pair against agent://host:port.
 */
export interface FleetNode {
  /** the node's name as the user knows it (a Kubernetes node name, or the hosts file's) */
  name: string
  /** where its agent answers: an IP address or a host name */
  host: string
  port: number
  /** the group it is compared within for outliers (a node pool, a rack); null: none named */
  pool: string | null
}

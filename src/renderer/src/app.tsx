import { useEffect, useState } from 'react'
import type { Capabilities } from '../../shared/api'
import type { Environment } from '../../shared/report'
import { api } from './api'

export function App() {
  const [caps, setCaps] = useState<Capabilities | null>(null)
  const [env, setEnv] = useState<Environment | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    api.capabilities().then(setCaps, (e: Error) => setError(e.message))
    api.environment().then(setEnv, (e: Error) => setError(e.message))
  }, [])
  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', padding: 24 }}>
      <h1>zcprof {caps?.version}</h1>
      {error && <p role="alert">{error}</p>}
      {env && !env.pmu.available && (
        <p role="status" style={{ background: '#fff3cd', padding: 8 }}>
          Cycles are estimated from CPU time: {env.pmu.reason}
        </p>
      )}
      <h2>Methods</h2>
      <ul>
        {caps?.methods.map((m) => (
          <li key={m.name}>
            <b>{m.name}</b>: {m.description}
          </li>
        ))}
      </ul>
      {env && (
        <p>
          {env.cpuModel}, {env.cpuCores} cores, kernel {env.kernel}
        </p>
      )}
    </main>
  )
}

// The app's tabs: Run, Library, Trend and Fleet always; a report and a comparison once opened.

export type Tab = 'run' | 'library' | 'trend' | 'fleet' | 'report' | 'compare'

export function TabBar({ tab, tabs, onPick }: { tab: Tab; tabs: [Tab, string][]; onPick(t: Tab): void }) {
  return (
    <nav className="tabs" aria-label="views">
      {tabs.map(([t, label]) => (
        <button
          key={t}
          type="button"
          role="tab"
          aria-selected={tab === t}
          className={tab === t ? 'tab active' : 'tab'}
          onClick={() => onPick(t)}
        >
          {label}
        </button>
      ))}
    </nav>
  )
}

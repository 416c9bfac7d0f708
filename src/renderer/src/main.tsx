import { createRoot } from 'react-dom/client'
import { connectApi } from './api'
import { App } from './app'
import './styles.css'

createRoot(document.getElementById('root')!).render(<App api={connectApi()} />)

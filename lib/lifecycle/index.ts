export { exitOnSignals, onShutdown, runShutdown, SHUTDOWN_ORDER, shuttingDown } from "./shutdown";

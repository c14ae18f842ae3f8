/** The command-line entry points' shared runner (the entry points themselves are run by npm scripts). */
export { runCli, UsageError } from "./run";

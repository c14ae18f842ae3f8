/** The home dashboard's figures. */
export { overview, type BenchmarkStatus, type Overview } from "./summary";

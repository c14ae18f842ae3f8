export { startServer, type ServerOptions } from "./http-server";

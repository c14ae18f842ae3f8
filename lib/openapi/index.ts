/** The API contract as one OpenAPI document, generated from every area's operations. */
export { OPERATIONS, openApiDocument, openApiOperation } from "./document";

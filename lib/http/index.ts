/** The HTTP layer under route handlers: the route wrapper, errors as responses, parameters, list queries, downloads. */
export {
  ApiError,
  errorBody,
  errorResponse,
  isApiError,
  isDatabaseUnavailable,
  readBodyLimited,
  requestWithBody,
  type ErrorFormat,
  type HttpErrorShape,
} from "./errors";
export { formFile, readMultipartForm } from "./multipart";
export { containsPattern, pageOf, paging, rowId, searchText } from "./list-query";
export { parseId, parseJsonBody, parseSearchParams, pathTextOrNull, plainText, rowIdOrNull, rowIdSchema } from "./params";
export { RejectionLog, rejectionLog } from "./rejections";
export { dateStamp, download } from "./responses";
export {
  errorSchema,
  idParam,
  isoDate,
  operation,
  queryFlag,
  type AccessLevel,
  type ErrorDoc,
  type Method,
  type Operation,
  type ResponseDoc,
} from "./contract";
export { acceptedMediaTypes, route, sharedLimiter, type ClientLimits, type RouteContext, type RouteInput } from "./route";
export { crossSiteReason, ownOrigin } from "./same-origin";
export { SECURITY_HEADERS } from "./security-headers";

// Pages with ids (models/[id], ...) stay outside this route group: a loading boundary above
// them would stream a 200 before they can answer 404 for an unknown id.
export { PageLoading as default } from "@/components/page-loading";

export { sendEvent } from "@/lib/jobs";

import sharp from "sharp";
import { IMAGE_SIDE } from "@/lib/kmnist";

/** A 28x28 image (784 bytes, as the model sees it) as a PNG data URL, for pages and reports. */
export async function pngDataUrl(pixels: Uint8Array): Promise<string> {
  const png = await sharp(Buffer.from(pixels), { raw: { width: IMAGE_SIDE, height: IMAGE_SIDE, channels: 1 } })
    .png()
    .toBuffer();
  return `data:image/png;base64,${png.toString("base64")}`;
}

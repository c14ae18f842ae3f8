import type { Metadata } from "next";
import { UploadForm } from "@/components/admin/upload-form";
import { PageHeader } from "@/components/page-header";
import { Card, CardContent } from "@/components/ui/card";
import { config } from "@/lib/config";
import { listTags } from "@/lib/data";
import { getDb } from "@/lib/db";

export const metadata: Metadata = { title: "Upload model" };
export const dynamic = "force-dynamic";

export default async function UploadPage() {
  const tags = await listTags(await getDb());
  return (
    <>
      <PageHeader
        title="Upload a model"
        description="A zip of a model artifact folder (manifest.json plus the weight files it lists), or an ONNX model exported from PyTorch, Keras, scikit-learn or any other framework. Nothing is stored unless the file is safe and valid and the model loads and answers a sample batch; then it is registered and benchmarked on its dataset tag."
      />
      <Card>
        <CardContent className="pt-6">
          <UploadForm tags={tags.map((t) => t.name)} maxBytes={config().upload.maxBytes} />
        </CardContent>
      </Card>
    </>
  );
}

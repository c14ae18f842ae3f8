import type { Metadata } from "next";
import { PageHeader } from "@/components/page-header";
import { PredictPanel } from "@/components/predict/predict-panel";

export const metadata: Metadata = { title: "Predict" };

export default function PredictPage() {
  return (
    <>
      <PageHeader
        title="Predict"
        description="Draw a classical hiragana character (お き す つ な は ま や れ を) or upload an image; the champion model reads it as you draw."
      />
      <PredictPanel />
    </>
  );
}

import type { Metadata } from "next";
import { PageHeader } from "@/components/page-header";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { openApiDocument } from "@/lib/openapi";

export const metadata: Metadata = { title: "API" };

const EXAMPLES = [
  { title: "Upload an image", code: "curl -F image=@character.png http://localhost:3000/api/predict" },
  {
    title: "Send the image as the body",
    code: "curl -H 'content-type: image/png' --data-binary @character.png 'http://localhost:3000/api/predict?model=kmnist-cnn'",
  },
  {
    title: "Send 784 pixels",
    code: `curl -H 'content-type: application/json' -d '{"pixels":[0,0,...,255],"scale":"0-255"}' http://localhost:3000/api/predict`,
  },
];

export default function ApiDocsPage() {
  const document = openApiDocument();
  const paths = Object.entries(document.paths ?? {}) as Array<
    [string, Record<string, { summary: string; description?: string; responses: Record<string, { description: string }> }>]
  >;
  return (
    <>
      <PageHeader title="API" description={document.info.description}>
        <a className="text-sm underline" href="/api/openapi.json">
          OpenAPI document (JSON)
        </a>
      </PageHeader>
      <div className="space-y-4">
        {paths.flatMap(([path, operations]) =>
          Object.entries(operations).map(([method, op]) => (
            <Card key={`${method} ${path}`}>
              <CardHeader>
                <CardTitle className="flex items-center gap-2 font-mono text-base">
                  <Badge>{method.toUpperCase()}</Badge> {path}
                </CardTitle>
                <CardDescription>{op.summary}</CardDescription>
              </CardHeader>
              <CardContent className="space-y-3 text-sm">
                {op.description && <p className="max-w-prose">{op.description}</p>}
                <table className="text-left">
                  <tbody>
                    {Object.entries(op.responses).map(([status, response]) => (
                      <tr key={status}>
                        <td className="pr-4 align-top font-mono">{status}</td>
                        <td>{response.description}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </CardContent>
            </Card>
          )),
        )}
        <Card>
          <CardHeader>
            <CardTitle>Examples</CardTitle>
          </CardHeader>
          <CardContent className="space-y-3">
            {EXAMPLES.map((e) => (
              <div key={e.title}>
                <p className="mb-1 text-sm font-medium">{e.title}</p>
                <pre className="overflow-x-auto rounded-md bg-muted p-3 text-xs">{e.code}</pre>
              </div>
            ))}
          </CardContent>
        </Card>
      </div>
    </>
  );
}

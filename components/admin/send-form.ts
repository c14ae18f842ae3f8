/** What a form post answered: its status and JSON body (empty when the body was not JSON). */
export interface FormAnswer {
  status: number;
  body: { error?: { message?: string } } & Record<string, unknown>;
}

/**
 * Posts a multipart form with XMLHttpRequest rather than fetch, which reports upload progress:
 * `onProgress` gets 0-100 while the bytes go out, then `onSent` once they are all sent.
 */
export function sendForm(url: string, form: FormData, onProgress: (percent: number) => void, onSent: () => void): Promise<FormAnswer> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", url);
    request.upload.onprogress = (e) => e.lengthComputable && onProgress(Math.round((e.loaded / e.total) * 100));
    request.upload.onload = onSent;
    request.onerror = () => reject(new Error("The upload did not reach the server. Check your connection and try again."));
    request.onload = () => {
      let body: FormAnswer["body"] = {};
      try {
        body = JSON.parse(request.responseText);
      } catch {
        // Non-JSON answers are judged by their status.
      }
      resolve({ status: request.status, body });
    };
    request.send(form);
  });
}

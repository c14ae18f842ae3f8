import { expect, test } from "@playwright/test";
import { ALICE, BOB, signIn } from "./people";

test("anonymous visitors are sent to sign in; wrong passwords and filter injection are refused", async ({ page, request }) => {
  await page.goto("/admin");
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fadmin$/);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await signIn(page, { ...ALICE, password: "not-the-password" });
  await expect(page.locator("#signin-error")).toHaveText("Wrong user name or password.");
  await signIn(page, { username: "*)(uid=*))(|(uid=*", password: ALICE.password });
  await expect(page.locator("#signin-error")).toHaveText("Wrong user name or password.");
  expect((await request.post("/api/training", { data: {} })).status()).toBe(401);
});

test("a directory user outside the admin group gets 403 on the admin area", async ({ page, request }) => {
  await page.goto("/signin?callbackUrl=%2Fadmin");
  await signIn(page, BOB);
  await expect(page.getByRole("heading", { level: 1, name: "Not allowed" })).toBeVisible();
  await expect(page.getByText("You are signed in as Bob, who does not have the admin role.")).toBeVisible();
  const response = await page.request.get("/admin");
  expect(response.status()).toBe(403);
  expect((await page.request.post("/api/training", { data: {} })).status()).toBe(403);
  // The anonymous API client still gets 401, not Bob's 403.
  expect((await request.post("/api/training", { data: {} })).status()).toBe(401);
});

test("sign-in never redirects to another origin, however the callbackUrl is disguised", async ({ page, baseURL }) => {
  for (const callbackUrl of ["/%5Cexample.com/x", "//example.com/x", "/%09/example.com", "https://example.com/"]) {
    await page.context().clearCookies();
    await page.goto(`/signin?callbackUrl=${encodeURIComponent(callbackUrl)}`);
    await signIn(page, BOB);
    await page.waitForURL((url) => !url.pathname.startsWith("/signin"));
    expect(new URL(page.url()).origin, callbackUrl).toBe(new URL(baseURL!).origin);
  }
});

test("an admin signs in, uploads a model, edits its tag in the database page and finds the audit entry", async ({ page, request }, testInfo) => {
  await page.goto("/admin");
  await signIn(page, ALICE);
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole("heading", { level: 1, name: "Admin" })).toBeVisible();
  await expect(page.getByTestId("user-menu")).toContainText("Alice (admin)");
  const status = page.getByTestId("component-status");
  await expect(status.locator('[data-component="Database"]')).toContainText("ok");
  await expect(status.locator('[data-component="Champion"]')).toContainText("kmnist-cnn@1");
  await expect(status.locator('[data-component="LDAP"]')).toContainText("ok");
  await page.screenshot({ path: testInfo.outputPath("admin.png"), fullPage: true });

  // The artifact of a trained model, downloaded as a zip, is what a data scientist would upload.
  const zip = await (await request.get("/api/models/versions/2/artifact")).body();
  await page.getByRole("link", { name: "Upload model" }).click();
  await page.getByLabel(/Model file/).setInputFiles({ name: "model.zip", mimeType: "application/zip", buffer: zip });
  await expect(page.getByText("Fields pre-filled from the zip's manifest.json")).toBeVisible();
  await expect(page.getByLabel("Algorithm")).toHaveValue("tree");
  await page.getByLabel("Name", { exact: true }).fill("uploaded-tree");
  await page.getByLabel("Author").fill("e2e-uploader");
  await page.getByRole("button", { name: "Upload and register" }).click();
  await expect(page.getByRole("status")).toContainText("Registered as uploaded-tree@1");
  await page.screenshot({ path: testInfo.outputPath("upload.png"), fullPage: true });

  await page.getByRole("status").getByRole("link", { name: "All models" }).click();
  const models = page.getByTestId("models-table");
  await expect(models.getByRole("row", { name: /uploaded-tree@1/ })).toContainText("e2e-uploader");

  await page.goto("/admin/data/model_versions?q=e2e-uploader");
  const rows = page.getByTestId("admin-rows").getByRole("row");
  await expect(rows).toHaveCount(2);
  await rows.nth(1).getByRole("link").click();
  await expect(page.getByTestId("cascade-preview")).toBeVisible();
  await page.getByLabel("Dataset tag (benchmarked on)").selectOption("kmnist-train");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("edit-row").getByRole("status")).toHaveText("Saved. The change is in the audit log.");
  await expect(page.getByLabel("Dataset tag (benchmarked on)")).toHaveValue("kmnist-train");
  await expect(page.getByTestId("row-values")).toContainText('"datasetTag": "kmnist-train"');
  await page.screenshot({ path: testInfo.outputPath("database.png"), fullPage: true });

  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Audit log" }).click();
  const entry = page.getByTestId("audit-table").getByRole("row").nth(1);
  await expect(entry).toContainText("Alice");
  await expect(entry).toContainText("update");
  await expect(entry).toContainText('"datasetTag":"kmnist-holdout"');
  await expect(entry).toContainText('"datasetTag":"kmnist-train"');
  await expect(page.getByTestId("audit-table")).toContainText("upload");
  await page.screenshot({ path: testInfo.outputPath("audit.png"), fullPage: true });

  await page.getByTestId("user-menu").getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();
});

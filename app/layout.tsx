import type { Metadata } from "next";
import localFont from "next/font/local";
import { AppSidebar } from "@/components/app-sidebar";
import { currentUser } from "@/lib/auth";
import "./globals.css";

// Hiragana glyphs only (40 KB): every visitor, and every headless browser, sees the same
// kana; other characters fall through to the system font.
const kana = localFont({ src: "../public/fonts/noto-serif-jp-hiragana.woff2", variable: "--font-kana", display: "swap" });

export const metadata: Metadata = {
  title: { default: "Kana Lab", template: "%s · Kana Lab" },
  description: "Handwritten Kuzushiji recognition with continuous training and benchmarking",
};

export default async function RootLayout({ children }: Readonly<{ children: React.ReactNode }>) {
  const user = await currentUser();
  return (
    <html lang="en" className={kana.variable}>
      <body className="min-h-screen md:flex">
        <AppSidebar user={user} />
        <main className="min-w-0 flex-1 px-4 py-6 md:px-8">{children}</main>
      </body>
    </html>
  );
}

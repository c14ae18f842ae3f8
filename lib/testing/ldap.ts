import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Client } from "ldapts";
import { freePort } from "./ports";

/**
 * A real OpenLDAP server for tests: its own slapd (config file, mdb database in a temp
 * folder, a free loopback port), seeded with people and an admin group. .ci/prepare-machine
 * installs slapd.
 */

export const LDAP_BASE = "dc=kana,dc=test";
export const LDAP_ROOT_DN = `cn=admin,${LDAP_BASE}`;
export const LDAP_ROOT_PASSWORD = "root-secret";
export const LDAP_ADMIN_GROUP = `cn=kana-admins,ou=groups,${LDAP_BASE}`;
export const LDAP_USERS = {
  alice: { password: "alice-pw-1", admin: true },
  bob: { password: "bob-pw-2", admin: false },
} as const;

const SLAPD = process.env.SLAPD_PATH ?? "/usr/sbin/slapd";

/** {SSHA} as slappasswd makes it: base64(sha1(password + salt) + salt). */
function ssha(password: string): string {
  const salt = randomBytes(8);
  return `{SSHA}${Buffer.concat([createHash("sha1").update(password).update(salt).digest(), salt]).toString("base64")}`;
}

export interface TestLdap {
  url: string;
  stop(): Promise<void>;
}

export async function startTestLdap(options: { port?: number } = {}): Promise<TestLdap> {
  await fs.access(SLAPD).catch(() => {
    throw new Error(`slapd not found at ${SLAPD}: run \`npm run test:setup\` (it installs slapd) or set SLAPD_PATH`);
  });
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "kana-ldap-"));
  await fs.mkdir(path.join(dir, "db"));
  const conf = path.join(dir, "slapd.conf");
  await fs.writeFile(
    conf,
    [
      "include /etc/ldap/schema/core.schema",
      "include /etc/ldap/schema/cosine.schema",
      "include /etc/ldap/schema/inetorgperson.schema",
      "include /etc/ldap/schema/nis.schema",
      "modulepath /usr/lib/ldap",
      "moduleload back_mdb",
      `pidfile ${path.join(dir, "slapd.pid")}`,
      "database mdb",
      `suffix "${LDAP_BASE}"`,
      `rootdn "${LDAP_ROOT_DN}"`,
      `rootpw ${LDAP_ROOT_PASSWORD}`,
      `directory ${path.join(dir, "db")}`,
      "maxsize 10485760",
      "",
    ].join("\n"),
  );
  const port = options.port ?? (await freePort());
  const url = `ldap://127.0.0.1:${port}`;
  // -d 0: stay in the foreground (so the test owns the process) without debug output.
  const child: ChildProcess = spawn(SLAPD, ["-f", conf, "-h", `${url}/`, "-d", "0"], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const stop = async () => {
    child.kill("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
    if (child.exitCode === null) child.kill("SIGKILL");
    await fs.rm(dir, { recursive: true, force: true });
  };

  const root = new Client({ url, timeout: 2000, connectTimeout: 2000 });
  for (let attempt = 0; ; attempt++) {
    try {
      await root.bind(LDAP_ROOT_DN, LDAP_ROOT_PASSWORD);
      break;
    } catch (error) {
      if (child.exitCode !== null || attempt > 50) {
        await stop();
        throw new Error(`slapd did not start: ${(error as Error).message}\n${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    await root.add(LDAP_BASE, { objectClass: ["top", "dcObject", "organization"], dc: "kana", o: "Kana Lab tests" });
    await root.add(`ou=people,${LDAP_BASE}`, { objectClass: ["organizationalUnit"], ou: "people" });
    await root.add(`ou=groups,${LDAP_BASE}`, { objectClass: ["organizationalUnit"], ou: "groups" });
    for (const [uid, user] of Object.entries(LDAP_USERS)) {
      await root.add(`uid=${uid},ou=people,${LDAP_BASE}`, {
        objectClass: ["inetOrgPerson"],
        uid,
        cn: uid[0].toUpperCase() + uid.slice(1),
        sn: uid,
        mail: `${uid}@kana.test`,
        userPassword: ssha(user.password),
      });
    }
    const admins = Object.entries(LDAP_USERS)
      .filter(([, u]) => u.admin)
      .map(([uid]) => `uid=${uid},ou=people,${LDAP_BASE}`);
    await root.add(LDAP_ADMIN_GROUP, { objectClass: ["groupOfNames"], cn: "kana-admins", member: admins });
    // A service account for searches, as a real deployment would configure.
    await root.add(`cn=kana-search,${LDAP_BASE}`, {
      objectClass: ["simpleSecurityObject", "organizationalRole"],
      cn: "kana-search",
      userPassword: ssha("search-pw"),
    });
  } finally {
    await root.unbind();
  }
  return { url, stop };
}

/** LDAP settings (as config().auth.ldap holds them) for a test server. */
export function testLdapSettings(url: string) {
  return {
    url,
    bindDn: `cn=kana-search,${LDAP_BASE}`,
    bindPassword: "search-pw",
    baseDn: `ou=people,${LDAP_BASE}`,
    userFilter: "(&(objectClass=inetOrgPerson)(uid={username}))",
    adminGroupDn: LDAP_ADMIN_GROUP,
    timeoutMs: 2000,
  };
}

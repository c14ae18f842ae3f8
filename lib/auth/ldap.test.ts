import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LDAP_USERS, startTestLdap, testLdapSettings, type TestLdap } from "@/lib/testing/ldap";
import { describeLdapError, escapeFilterValue, ldapSignIn, pingLdap } from "./ldap";
import { SignInError } from "./types";

let ldap: TestLdap;

beforeAll(async () => {
  ldap = await startTestLdap();
});
afterAll(async () => {
  await ldap?.stop();
});

const refusal = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SignInError);
  return error as SignInError;
};

describe("LDAP sign-in against a real slapd", () => {
  it("signs in a member of the admin group as admin", async () => {
    const user = await ldapSignIn(testLdapSettings(ldap.url), "alice", LDAP_USERS.alice.password);
    expect(user).toMatchObject({ name: "Alice", email: "alice@kana.test", role: "admin", source: "ldap" });
    expect(user.id).toBe("ldap:uid=alice,ou=people,dc=kana,dc=test");
  });

  it("signs in a user outside the group with the user role", async () => {
    expect(await ldapSignIn(testLdapSettings(ldap.url), "bob", LDAP_USERS.bob.password)).toMatchObject({ role: "user", name: "Bob" });
  });

  it("refuses a wrong password, an unknown user and an empty password alike", async () => {
    for (const [username, password] of [
      ["alice", "wrong"],
      ["nobody", "x"],
      ["alice", ""],
    ]) {
      const error = await refusal(ldapSignIn(testLdapSettings(ldap.url), username, password));
      expect(error.code).toBe("invalid_credentials");
      expect(error.message).toBe("Wrong user name or password.");
    }
  });

  it("treats filter syntax in a user name as literal text, so it matches nobody", async () => {
    for (const username of ["*)(uid=*))(|(uid=*", "*", "alice)(uid=*", "al*", "alice\u0000"]) {
      const error = await refusal(ldapSignIn(testLdapSettings(ldap.url), username, LDAP_USERS.alice.password));
      expect(error.code).toBe("invalid_credentials");
    }
    expect(escapeFilterValue("*)(uid=*))(|(uid=*")).toBe("\\2a\\29\\28uid=\\2a\\29\\29\\28|\\28uid=\\2a");
  });

  it("without a service account, searches anonymously", async () => {
    const settings = { ...testLdapSettings(ldap.url), bindDn: null, bindPassword: null };
    expect(await ldapSignIn(settings, "alice", LDAP_USERS.alice.password)).toMatchObject({ role: "admin" });
    expect(await pingLdap(settings)).toBe(ldap.url);
  });

  it("says clearly when the directory is down, instead of crashing", async () => {
    const down = { ...testLdapSettings("ldap://127.0.0.1:1"), timeoutMs: 500 };
    const error = await refusal(ldapSignIn(down, "alice", LDAP_USERS.alice.password));
    expect(error.code).toBe("directory_unavailable");
    expect(error.message).toMatch(/cannot be reached/);
    await expect(pingLdap(down)).rejects.toThrow(/ldap:\/\/127\.0\.0\.1:1 refused the connection/);
  });

  it("names a hung directory's timeout in words, not by a (minified) request class", async () => {
    // Accepts connections and never answers, like a directory whose server is stuck.
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const url = `ldap://127.0.0.1:${(silent.address() as net.AddressInfo).port}`;
    const hung = { ...testLdapSettings(url), timeoutMs: 300 };
    try {
      const failure = pingLdap(hung).catch((error: Error) => error);
      expect(((await failure) as Error).message).toBe(`the directory at ${url} did not answer within 300 ms (LDAP_TIMEOUT_MS)`);
      expect(describeLdapError(new Error("eT: Operation timed out"), hung)).not.toMatch(/eT/);
      expect((await refusal(ldapSignIn(hung, "alice", "pw"))).code).toBe("directory_unavailable");
    } finally {
      silent.close();
    }
  });

  it("a wrong service-account password is an outage, not the user's fault", async () => {
    const error = await refusal(ldapSignIn({ ...testLdapSettings(ldap.url), bindPassword: "nope" }, "alice", LDAP_USERS.alice.password));
    expect(error.code).toBe("directory_unavailable");
  });
});

/**
 * The e2e server's directory: a real slapd seeded like the LDAP tests' (alice in the admin
 * group, bob outside it), running until this process is told to stop. e2e/serve.sh starts
 * it and reads the "ready" line for the URL.
 */
import { startTestLdap } from "../lib/testing/ldap";

void startTestLdap().then((ldap) => {
  console.log(`ldap ready ${ldap.url}`);
  for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) {
    process.on(signal, () => void ldap.stop().finally(() => process.exit(0)));
  }
  // Keep the event loop alive until a signal arrives.
  setInterval(() => undefined, 1 << 30);
});

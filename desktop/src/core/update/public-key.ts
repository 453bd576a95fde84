/**
 * The Ed25519 key update bundles are signed with. Its private half is kept by whoever publishes
 * releases (never in this repository); `FORPROMPT_UPDATE_PUBLIC_KEY` (PEM) replaces it for a private
 * distribution or a test.
 */
export const shippedUpdatePublicKey = `-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAY63gPPHtSF6eFMQLO94/3ZDHUcyk/gTCWuG19GjsuVc=
-----END PUBLIC KEY-----
`;

export function updatePublicKey(env: NodeJS.ProcessEnv = process.env): string {
  return env.FORPROMPT_UPDATE_PUBLIC_KEY?.replace(/\\n/g, '\n') ?? shippedUpdatePublicKey;
}

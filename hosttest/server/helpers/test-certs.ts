// A certificate authority and a receiver certificate it signed, made fresh for a test (node-forge, so
// no key ever sits in the repo): the leaf names 127.0.0.1 and localhost (or the names given), and the chain file holds the
// leaf then the CA, as a receiver serves it (an SDK TLS client wants the CA in the chain, docs/security.md).

import forge from "node-forge";
import { generateKeyPairSync } from "node:crypto";

export interface TestCertificates {
	/** The CA certificate, PEM: what a client trusts. */
	ca: string;
	/** The receiver's chain, PEM: leaf then CA. */
	cert: string;
	/** The leaf's private key, PEM. */
	key: string;
	/** The CA's key, PEM: for another leaf of the same CA (makeTestCertificates' `sameCa`). */
	caKey: string;
}

function keyPair(): { publicKey: forge.pki.PublicKey; privateKey: forge.pki.rsa.PrivateKey; pem: string } {
	// Node's native generator: forge's own takes seconds for 2048 bits on a slow machine.
	const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048, publicKeyEncoding: { type: "spki", format: "pem" }, privateKeyEncoding: { type: "pkcs8", format: "pem" } });
	return { publicKey: forge.pki.publicKeyFromPem(publicKey), privateKey: forge.pki.privateKeyFromPem(privateKey), pem: privateKey };
}

function certificate(subject: string, publicKey: forge.pki.PublicKey, serial: string, extensions: object[]): forge.pki.Certificate {
	const cert = forge.pki.createCertificate();
	cert.publicKey = publicKey;
	cert.serialNumber = serial;
	cert.validity.notBefore = new Date(Date.now() - 3600_000);
	cert.validity.notAfter = new Date(Date.now() + 24 * 3600_000);
	cert.setSubject([{ name: "commonName", value: subject }]);
	cert.setExtensions(extensions);
	return cert;
}

/** A new CA and a leaf for `names`, or a new leaf of `sameCa`'s CA. */
export function makeTestCertificates(names: string[] = ["127.0.0.1", "localhost"], sameCa?: TestCertificates): TestCertificates {
	let ca: forge.pki.Certificate;
	let caKeys: { privateKey: forge.pki.rsa.PrivateKey; pem: string };
	if (sameCa) {
		ca = forge.pki.certificateFromPem(sameCa.ca);
		caKeys = { privateKey: forge.pki.privateKeyFromPem(sameCa.caKey), pem: sameCa.caKey };
	}
	else {
		const made = keyPair();
		caKeys = made;
		ca = certificate("xscam test CA", made.publicKey, "01", [{ name: "basicConstraints", cA: true, critical: true }, { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true }]);
		ca.setIssuer(ca.subject.attributes);
		ca.sign(made.privateKey, forge.md.sha256.create());
	}

	const leafKeys = keyPair();
	const altNames = names.map((name) => /^[0-9.]+$/.test(name) ? { type: 7, ip: name } : { type: 2, value: name });
	const leaf = certificate(names[0], leafKeys.publicKey, sameCa ? "03" : "02", [
		{ name: "basicConstraints", cA: false },
		{ name: "extKeyUsage", serverAuth: true },
		{ name: "subjectAltName", altNames },
	]);
	leaf.setIssuer(ca.subject.attributes);
	leaf.sign(caKeys.privateKey, forge.md.sha256.create());

	const caPem = forge.pki.certificateToPem(ca);
	return { ca: caPem, cert: forge.pki.certificateToPem(leaf) + caPem, key: leafKeys.pem, caKey: caKeys.pem };
}

package io.flotilla.agent.trust;

import java.nio.file.Path;

/**
 * The PEM files of an agent's mutual TLS (see {@code flotilla certs}).
 *
 * @param ca the fleet CA's certificate: peers and clients must present one it signed
 * @param cert this agent's certificate chain
 * @param key this agent's private key (PKCS#8)
 */
public record TlsFiles(Path ca, Path cert, Path key) {}

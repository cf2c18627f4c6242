// Loopback servers for tests: every one binds 127.0.0.1 on port 0 and has close().
export { testCertificates, type KeyAndCert, type TestCertificates } from './certs.ts';
export { defaultZone, startDnsServer, type TestDnsServer, type ZoneRecord } from './dns-server.ts';
export { closedTcpPort, startHttpServer, startHttpsServer, startSilentTcpServer, type Handler, type TestHttpServer } from './http-server.ts';
export { rdapDomainDocument, startRdapServer, type TestRdapServer } from './rdap-server.ts';
export { SITE_HTML, SITE_JSON, STRONG_HEADERS, siteHandler } from './site.ts';
export { closedUdpPort, startUdpEchoServer, startUdpSilentServer, type TestUdpServer } from './udp-server.ts';
export { registryWhoisAnswer, startWhoisServer, type TestWhoisServer } from './whois-server.ts';

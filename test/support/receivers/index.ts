export { startSmtpCapture, type CapturedMail, type SmtpCapture, type SmtpCaptureOptions } from './smtp-capture.ts';
export { startWebhookCapture, type CapturedRequest, type WebhookCapture, type WebhookCaptureOptions } from './webhook-capture.ts';
export { parseMail, type ParsedMail } from './mime.ts';
export { startProviderDouble, type DoubleAnswer, type PlayService, type ProviderDouble } from './provider-double.ts';
export { opsgenieService, pagerDutyService, type OpsgenieState, type PagerDutyState } from './incident-services.ts';

import * as ses from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import type { DeployConfig } from './config.ts';

/**
 * The SES identity alert emails are sent from: a single address (SES mails it a verification link) or,
 * with `sesVerifyDomain`, its whole domain (verified once the stack's DKIM outputs are in its DNS).
 */
export class Alerts extends Construct {
  readonly identity: ses.EmailIdentity;
  readonly fromAddress: string;
  /** The three DKIM CNAME records, when the whole domain is verified. */
  readonly dkimRecords: ses.DkimRecord[];

  constructor(scope: Construct, id: string, config: DeployConfig) {
    super(scope, id);
    this.fromAddress = config.alertEmailFrom;
    const domain = config.alertEmailFrom.split('@')[1] ?? config.alertEmailFrom;
    this.identity = new ses.EmailIdentity(this, 'Sender', {
      identity: config.sesVerifyDomain ? ses.Identity.domain(domain) : ses.Identity.email(config.alertEmailFrom),
    });
    this.dkimRecords = config.sesVerifyDomain ? this.identity.dkimRecords : [];
  }
}

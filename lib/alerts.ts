import * as ses from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import type { DeployConfig } from './config.ts';

/** The SES identity alert emails are sent from. SES mails a verification link (or DKIM records) on deploy. */
export class Alerts extends Construct {
  readonly identity: ses.EmailIdentity;
  readonly fromAddress: string;

  constructor(scope: Construct, id: string, config: DeployConfig) {
    super(scope, id);
    this.fromAddress = config.alertEmailFrom;
    const domain = config.alertEmailFrom.split('@')[1] ?? config.alertEmailFrom;
    this.identity = new ses.EmailIdentity(this, 'Sender', {
      identity: config.sesVerifyDomain ? ses.Identity.domain(domain) : ses.Identity.email(config.alertEmailFrom),
    });
  }
}

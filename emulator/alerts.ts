import type { EmulatorContext } from './app';
import { newSid } from './format';

/** One of Twilio's debugger alerts (Monitor's Alert resource, its fields as Twilio names them). */
export interface Alert {
  sid: string;
  error_code: string;
  log_level: 'warning' | 'error';
  alert_text: string;
  resource_sid: string;
  date_created: string;
  more_info: string;
}

/**
 * Twilio's debugger: where what Twilio carries on despite (a warning such as 13256, a bad callback URL)
 * is told, since no API answer says it. Read on the control surface.
 */
export class Alerts {
  private log: Alert[] = [];

  constructor(private readonly ctx: EmulatorContext) {
    ctx.onReset(() => (this.log = []));
    ctx.control.get('/alerts', (req, res) => {
      const resource = req.query.resourceSid;
      res.json({ alerts: this.log.filter((a) => !resource || a.resource_sid === resource) });
    });
  }

  warn(code: number, text: string, resourceSid: string): void {
    this.add('warning', code, text, resourceSid);
  }

  error(code: number, text: string, resourceSid: string): void {
    this.add('error', code, text, resourceSid);
  }

  private add(level: Alert['log_level'], code: number, text: string, resourceSid: string): void {
    this.log.push({
      sid: newSid('NO'),
      error_code: String(code),
      log_level: level,
      alert_text: text,
      resource_sid: resourceSid,
      date_created: new Date(this.ctx.now()).toISOString(),
      more_info: `https://www.twilio.com/docs/errors/${code}`,
    });
  }
}

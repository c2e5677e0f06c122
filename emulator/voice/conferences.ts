import type { Router } from 'express';
import type { EmulatorContext } from '../app';
import { errors } from '../errors';
import { listPage, newSid, rfc2822, single } from '../format';
import { callbackTarget, type Recordings } from './recordings';

export interface Conference {
  sid: string;
  friendlyName: string;
  status: 'in-progress' | 'completed';
  created: number;
  updated: number;
  participants: Set<string>;
}

/** What `<Dial><Conference>` asks for: the room, and its recording from the start. */
export interface ConferenceJoin {
  name: string;
  record: boolean;
  recordingStatusCallback?: string;
  recordingStatusCallbackMethod?: string;
  recordingStatusCallbackEvent?: string[];
}

/** Conferences: created by the first participant, recorded from the start if asked, over when the last leaves. */
export class Conferences {
  private readonly all = new Map<string, Conference>();

  constructor(
    private readonly ctx: EmulatorContext,
    private readonly recordings: Recordings,
  ) {
    ctx.onReset(() => this.all.clear());
  }

  find(sid: string): Conference {
    const conference = this.all.get(sid);
    if (!conference) throw errors.notFound(`/2010-04-01/Accounts/${this.ctx.accountSid}/Conferences/${sid}.json`);
    return conference;
  }

  /** Puts a call in the named conference, starting it (and its recording) if none of that name is live. */
  join(callSid: string, join: ConferenceJoin): Conference {
    let conference = [...this.all.values()].find((c) => c.friendlyName === join.name && c.status === 'in-progress');
    if (!conference) {
      const now = this.ctx.now();
      conference = {
        sid: newSid('CF'),
        friendlyName: join.name,
        status: 'in-progress',
        created: now,
        updated: now,
        participants: new Set(),
      };
      this.all.set(conference.sid, conference);
      if (join.record) {
        this.recordings.start({
          callSid: null,
          conferenceSid: conference.sid,
          channels: 1,
          source: 'Conference',
          track: 'both',
          callback: callbackTarget(
            join.recordingStatusCallback,
            join.recordingStatusCallbackMethod,
            join.recordingStatusCallbackEvent,
          ),
        });
      }
    }
    conference.participants.add(callSid);
    return conference;
  }

  /** The call leaves; the last one out ends the conference and its recordings. */
  leave(callSid: string, conferenceSid: string) {
    const conference = this.all.get(conferenceSid);
    if (!conference) return;
    conference.participants.delete(callSid);
    if (conference.participants.size === 0) {
      conference.status = 'completed';
      conference.updated = this.ctx.now();
      this.recordings.finishAll({ conferenceSid: conference.sid });
    }
  }

  private json(c: Conference) {
    const base = `/2010-04-01/Accounts/${this.ctx.accountSid}`;
    return {
      account_sid: this.ctx.accountSid,
      date_created: rfc2822(c.created),
      date_updated: rfc2822(c.updated),
      api_version: '2010-04-01',
      friendly_name: c.friendlyName,
      region: 'us1',
      sid: c.sid,
      status: c.status,
      uri: `${base}/Conferences/${c.sid}.json`,
      subresource_uris: {
        participants: `${base}/Conferences/${c.sid}/Participants.json`,
        recordings: `${base}/Conferences/${c.sid}/Recordings.json`,
      },
      reason_conference_ended: c.status === 'completed' ? 'last-participant-left' : null,
      call_sid_ending_conference: null,
    };
  }

  routes(account: Router, A: string) {
    account.get(A + '/Conferences.json', (req, res) => {
      const name = single(req, 'FriendlyName');
      const status = single(req, 'Status');
      const list = [...this.all.values()]
        .filter((c) => (!name || c.friendlyName === name) && (!status || c.status === status))
        .reverse();
      res.json(
        listPage(
          req,
          'conferences',
          `/2010-04-01/Accounts/${this.ctx.accountSid}/Conferences.json`,
          list.map((c) => this.json(c)),
        ),
      );
    });
    account.get(A + '/Conferences/:ConferenceSid.json', (req, res) => {
      res.json(this.json(this.find(req.params.ConferenceSid as string)));
    });
  }
}

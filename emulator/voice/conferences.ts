import type { Router } from 'express';
import type { EmulatorContext } from '../app';
import { errors } from '../errors';
import { listPage, newSid, rfc2822, single } from '../format';
import type { CallbackRequest, Recordings } from './recordings';

type EndReason = 'last-participant-left' | 'participant-with-end-conference-on-exit-left';

interface Participant {
  joinedAt: number;
  startConferenceOnEnter: boolean;
  endConferenceOnExit: boolean;
  /** Sends the call on from its <Dial> when the conference ends under it. */
  removed: () => void;
}

export interface Conference {
  sid: string;
  friendlyName: string;
  status: 'init' | 'in-progress' | 'completed';
  created: number;
  updated: number;
  participants: Map<string, Participant>;
  /** Every call that was ever in it: its audio is what a conference recording holds. */
  joined: Set<string>;
  /** `record-from-start` and its callback, as the first participant asking for it gave them. */
  record?: CallbackRequest;
  reasonEnded: EndReason | null;
  callSidEnding: string | null;
}

/** What `<Dial><Conference>` asks for: the room, when it starts and ends, and its recording from the start. */
export interface ConferenceJoin {
  name: string;
  record: boolean;
  startConferenceOnEnter: boolean;
  endConferenceOnExit: boolean;
  recordingStatusCallback: CallbackRequest;
  removed: () => void;
}

/**
 * Conferences as Twilio runs them (twilio.com/docs/voice/twiml/conference): created `init` by the first
 * participant; started, and recorded from the start if asked, once two are in and one of them has
 * `startConferenceOnEnter` (default true); over when the last one leaves, or when one with
 * `endConferenceOnExit` does, which sends every other participant on from its <Dial>.
 */
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

  /**
   * Puts a call in the named conference (created if none of that name is live), starting it when it
   * can; a live conference's SID names it too (Studio's Connect Call To gives one).
   */
  join(callSid: string, join: ConferenceJoin): Conference {
    let conference = [...this.all.values()].find(
      (c) => (c.friendlyName === join.name || c.sid === join.name) && c.status !== 'completed',
    );
    if (!conference) {
      const now = this.ctx.now();
      conference = {
        sid: newSid('CF'),
        friendlyName: join.name,
        status: 'init',
        created: now,
        updated: now,
        participants: new Map(),
        joined: new Set(),
        reasonEnded: null,
        callSidEnding: null,
      };
      this.all.set(conference.sid, conference);
    }
    if (join.record && !conference.record) conference.record = join.recordingStatusCallback;
    conference.participants.set(callSid, {
      joinedAt: this.ctx.now(),
      startConferenceOnEnter: join.startConferenceOnEnter,
      endConferenceOnExit: join.endConferenceOnExit,
      removed: join.removed,
    });
    conference.joined.add(callSid);
    this.startIfReady(conference);
    return conference;
  }

  private startIfReady(c: Conference) {
    const present = [...c.participants.values()];
    if (c.status !== 'init' || present.length < 2 || !present.some((p) => p.startConferenceOnEnter)) return;
    c.status = 'in-progress';
    c.updated = this.ctx.now();
    if (c.record)
      this.recordings.start(
        { callSid: null, conferenceSid: c.sid, channels: 1, source: 'Conference', track: 'both' },
        c.record,
      );
  }

  /** The call leaves; the last one out, or one with `endConferenceOnExit`, ends the conference and its recordings. */
  leave(callSid: string, conferenceSid: string) {
    const conference = this.all.get(conferenceSid);
    const participant = conference?.participants.get(callSid);
    if (!conference || !participant) return;
    conference.participants.delete(callSid);
    if (participant.endConferenceOnExit) this.end(conference, 'participant-with-end-conference-on-exit-left', callSid);
    else if (conference.participants.size === 0) this.end(conference, 'last-participant-left', callSid);
  }

  private end(c: Conference, reason: EndReason, callSid: string) {
    c.status = 'completed';
    c.updated = this.ctx.now();
    c.reasonEnded = reason;
    c.callSidEnding = callSid;
    this.recordings.finishAll({ conferenceSid: c.sid });
    const others = [...c.participants.values()];
    c.participants.clear();
    others.forEach((p) => p.removed());
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
      reason_conference_ended: c.reasonEnded,
      call_sid_ending_conference: c.callSidEnding,
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
        listPage(req, 'conferences', `/2010-04-01/Accounts/${this.ctx.accountSid}/Conferences.json`, list, (c) =>
          this.json(c),
        ),
      );
    });
    account.get(A + '/Conferences/:ConferenceSid.json', (req, res) => {
      res.json(this.json(this.find(req.params.ConferenceSid as string)));
    });
    // The participants in the conference now (Twilio lists those connected; one who left is gone).
    account.get(A + '/Conferences/:ConferenceSid/Participants.json', (req, res) => {
      const c = this.find(req.params.ConferenceSid as string);
      const base = `/2010-04-01/Accounts/${this.ctx.accountSid}/Conferences/${c.sid}`;
      const participants = [...c.participants.entries()].map(([callSid, p]) => ({
        account_sid: this.ctx.accountSid,
        call_sid: callSid,
        label: null,
        call_sid_to_coach: null,
        coaching: false,
        conference_sid: c.sid,
        date_created: rfc2822(p.joinedAt),
        date_updated: rfc2822(p.joinedAt),
        end_conference_on_exit: p.endConferenceOnExit,
        muted: false,
        hold: false,
        start_conference_on_enter: p.startConferenceOnEnter,
        status: 'connected',
        queue_time: '0',
        uri: `${base}/Participants/${callSid}.json`,
      }));
      res.json(listPage(req, 'participants', `${base}/Participants.json`, participants));
    });
  }
}

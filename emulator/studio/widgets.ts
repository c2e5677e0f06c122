/**
 * The widget types Studio knows, as their exported JSON spells them: each type's transition events and
 * the properties it needs or types strictly. Sources: Twilio's widget-library pages and flows exported
 * from the console (docs/emulator.md, "Studio"). Properties not listed are let through: Studio's
 * schema is not public in full, so only what is sourced is refused.
 */

export type PropertyType = 'string' | 'integer' | 'boolean' | 'array' | 'object';

export interface WidgetSpec {
  events: readonly string[];
  /** Properties that must be present (with `oneOf`: at least one of those names). */
  required?: readonly string[];
  oneOf?: readonly string[];
  /** The JSON type each listed property must have when present. */
  types: Readonly<Record<string, PropertyType | readonly PropertyType[]>>;
}

const keyValues = 'array' as const;
/**
 * Seconds and priorities, which flows Studio saved write either way: a JSON number in some (Connect Call
 * To's `"timeout": 30` in test/studio/flows/), text in others (Send to Flex's `"timeout": "3600"`).
 */
const numberOrText = ['integer', 'string'] as const;

/** Split Based On's condition types (`conditions[].type`). */
export const CONDITION_TYPES = [
  'equal_to',
  'not_equal_to',
  'matches_any_of',
  'does_not_match_any_of',
  'is_blank',
  'is_not_blank',
  'regex',
  'contains',
  'does_not_contain',
  'starts_with',
  'does_not_start_with',
  'less_than',
  'greater_than',
  'is_before_time',
  'is_after_time',
  'is_before_date',
  'is_after_date',
] as const;

// Note the spellings: `callCompleted` (connect-call-to) vs `callComplete` (enqueue, flex); `fail`
// (run-function, add-twiml-redirect) vs `failed` (make-http-request, record-call, send-message).
export const WIDGETS: Readonly<Record<string, WidgetSpec>> = {
  trigger: {
    events: ['incomingMessage', 'incomingCall', 'incomingConversationMessage', 'incomingRequest', 'incomingParent'],
    types: {},
  },
  'say-play': {
    events: ['audioComplete'],
    oneOf: ['say', 'play', 'digits'],
    types: { say: 'string', play: 'string', digits: 'string', voice: 'string', language: 'string', loop: 'integer' },
  },
  'gather-input-on-call': {
    events: ['keypress', 'speech', 'timeout'],
    types: {
      say: 'string',
      play: 'string',
      voice: 'string',
      language: 'string',
      loop: 'integer',
      timeout: 'integer',
      finish_on_key: 'string',
      stop_gather: 'boolean',
      number_of_digits: 'integer',
      gather_language: 'string',
      speech_timeout: 'string',
      speech_model: 'string',
      hints: 'string',
      profanity_filter: 'string',
    },
  },
  // No `input` is required: Studio saved and exported a split without one (test/studio/flows/, CA regulatory).
  'split-based-on': { events: ['noMatch', 'match'], types: { input: 'string' } },
  'set-variables': { events: ['next'], types: { variables: keyValues } },
  'run-function': {
    events: ['success', 'fail'],
    required: ['url'],
    types: {
      url: 'string',
      service_sid: 'string',
      environment_sid: 'string',
      function_sid: 'string',
      parameters: keyValues,
    },
  },
  'make-http-request': {
    events: ['success', 'failed'],
    required: ['url'],
    types: {
      url: 'string',
      method: 'string',
      content_type: 'string',
      body: 'string',
      parameters: keyValues,
      add_twilio_auth: 'boolean',
    },
  },
  'send-to-flex': {
    events: ['callComplete', 'failedToEnqueue', 'callFailure'],
    required: ['workflow', 'channel'],
    types: {
      workflow: 'string',
      channel: 'string',
      attributes: 'string',
      priority: numberOrText,
      timeout: numberOrText,
      waitUrl: 'string',
      waitUrlMethod: 'string',
    },
  },
  'enqueue-call': {
    events: ['callComplete', 'failedToEnqueue', 'callFailure'],
    oneOf: ['queue_name', 'workflow_sid'],
    types: {
      queue_name: 'string',
      workflow_sid: 'string',
      task_attributes: 'string',
      priority: numberOrText,
      timeout: numberOrText,
      wait_url: 'string',
      wait_url_method: 'string',
    },
  },
  'connect-call-to': {
    events: ['callCompleted', 'hangup'],
    required: ['noun'],
    types: {
      noun: 'string',
      to: 'string',
      caller_id: 'string',
      record: 'boolean',
      timeout: numberOrText,
      time_limit: numberOrText,
    },
  },
  'record-voicemail': {
    events: ['recordingComplete', 'noAudio', 'hangup'],
    types: {
      finish_on_key: 'string',
      max_length: 'integer',
      play_beep: 'string',
      recording_status_callback_url: 'string',
      timeout: 'integer',
      transcribe: 'boolean',
      transcription_callback_url: 'string',
      trim: 'string',
    },
  },
  'add-twiml-redirect': {
    events: ['return', 'timeout', 'fail'],
    required: ['url'],
    types: { url: 'string', method: 'string', timeout: numberOrText },
  },
  'send-message': {
    events: ['sent', 'failed'],
    required: ['body'],
    types: { body: 'string', to: 'string', from: 'string', service: 'string', channel: 'string', media_url: 'string' },
  },
  'send-and-wait-for-reply': {
    events: ['incomingMessage', 'timeout', 'deliveryFailure'],
    required: ['body'],
    types: {
      body: 'string',
      to: 'string',
      from: 'string',
      service: 'string',
      channel: 'string',
      timeout: numberOrText,
    },
  },
  'capture-payments': {
    events: ['success', 'maxFailedAttempts', 'providerError', 'payInterrupted', 'hangup', 'validationError'],
    types: {
      payment_connector: 'string',
      payment_amount: 'string',
      currency: 'string',
      payment_method: 'string',
      bank_account_type: 'string',
      timeout: 'integer',
      max_attempts: 'integer',
      security_code: 'boolean',
      postal_code: 'string',
      min_postal_code_length: 'integer',
      valid_card_types: 'array',
      language: 'string',
      payment_token_type: 'string',
      description: 'string',
      parameters: keyValues,
    },
  },
  'record-call': {
    events: ['success', 'failed'],
    required: ['record_call'],
    types: {
      record_call: 'boolean',
      recording_status_callback: 'string',
      recording_status_callback_method: 'string',
      recording_status_callback_events: 'string',
      recording_channels: 'string',
      trim: 'string',
    },
  },
  'run-subflow': {
    events: ['completed', 'failed'],
    required: ['flow_sid'],
    types: { flow_sid: 'string', flow_revision: 'string', parameters: keyValues },
  },
};

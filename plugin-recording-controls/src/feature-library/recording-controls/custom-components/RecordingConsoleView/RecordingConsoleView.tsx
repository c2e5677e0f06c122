import React, { useState } from 'react';
import { Box } from '@twilio-paste/core/box';
import { Button } from '@twilio-paste/core/button';
import { Heading } from '@twilio-paste/core/heading';
import { Input } from '@twilio-paste/core/input';
import { Label } from '@twilio-paste/core/label';
import { Table, TBody, THead, Td, Th, Tr } from '@twilio-paste/core/table';
import { Text } from '@twilio-paste/core/text';
import { duration, t } from '../../flex-hooks/strings';
import { useConsoleState, type ConsoleSession } from '../../helpers/consoleSession';
import { FunctionError, type ConsoleCall, type Target } from '../../helpers/RecordingService';

export const targetOfCall = (call: ConsoleCall): Target =>
  call.kind === 'conference' ? { ConferenceSid: call.sid } : { CallSid: call.sid };

/** A call's recording state as supervisors name it: recording, paused, paused too long, not recording. */
export const stateLabel = (call: ConsoleCall) =>
  call.state === 'recording'
    ? t('RCStateRecording')
    : call.state === 'paused'
      ? call.pauseAlert
        ? t('RCStatePausedTooLong')
        : t('RCStatePaused')
      : t('RCStateNotRecording');

/** Who made the last change, in words: a flow by its name, a person by their identity. */
function byLabel(call: ConsoleCall): string {
  const by = call.lastChange?.by;
  if (!by) return '';
  if (by.startsWith('studio:')) {
    const sid = by.slice('studio:'.length).split('/')[0];
    return t('RCByFlow', { name: call.flows[sid] ?? sid });
  }
  const person = /^(agent|supervisor|admin):([\s\S]*)$/.exec(by);
  return person ? `${person[1]} ${agentName(call, person[2])}` : by;
}

/** An agent as the console names them (their Flex identity), shown by their worker's friendly name when known. */
export const agentName = (call: ConsoleCall, identity: string) => call.agentNames?.[identity] ?? identity;

function CallRow({ call, session }: { call: ConsoleCall; session: ConsoleSession }) {
  const [result, setResult] = useState<{ code: string; message: string } | undefined>();
  const [askReason, setAskReason] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const paused = call.state === 'paused';
  const act = async (action: 'pause' | 'resume', withReason?: string) => {
    setBusy(true);
    try {
      await session.control(targetOfCall(call), action, withReason);
      setResult(undefined);
      setAskReason(false);
    } catch (err) {
      const why =
        err instanceof FunctionError
          ? { code: err.code, message: err.message }
          : { code: 'UNREACHABLE', message: t('RCStateUnknown') };
      setResult(why);
      // The Function says when a reason is needed (a flow's pause): the form appears, nothing is guessed.
      if (/^REASON_/.test(why.code)) setAskReason(true);
    } finally {
      setBusy(false);
    }
  };
  const reasonId = `reason-${call.sid}`;
  return (
    <Tr data-testid={`call-${call.sid}`}>
      <Td>
        <Text as="span" fontWeight="fontWeightSemibold">
          {call.friendlyName ?? [call.from, call.to].filter(Boolean).join(' → ')}
        </Text>
        <Text as="p" fontSize="fontSize20" color="colorTextWeak">
          {call.sid}
        </Text>
      </Td>
      <Td>
        <Text
          as="span"
          fontWeight="fontWeightSemibold"
          color={call.pauseAlert ? 'colorTextError' : paused ? 'colorTextWarningStrong' : 'colorText'}
        >
          {stateLabel(call)}
        </Text>
        {paused && call.pausedForSeconds !== undefined && (
          <Text as="p" fontSize="fontSize20">
            {t('RCPausedFor', { duration: duration(call.pausedForSeconds) })}
          </Text>
        )}
      </Td>
      <Td>{call.agents.map((a) => agentName(call, a)).join(', ')}</Td>
      <Td>{byLabel(call)}</Td>
      <Td>
        <Button variant="secondary" size="small" loading={busy} onClick={() => void act(paused ? 'resume' : 'pause')}>
          {t(paused ? 'RCResumeRecording' : 'RCPauseRecording')}
        </Button>
        {result && (
          <Text as="p" role="alert" color="colorTextError" fontSize="fontSize20">
            {result.code}: {result.message}
          </Text>
        )}
        {askReason && (
          <Box
            as="form"
            marginTop="space20"
            onSubmit={(e: React.FormEvent) => {
              e.preventDefault();
              void act('resume', reason);
            }}
          >
            <Label htmlFor={reasonId}>{t('RCReasonLabel')}</Label>
            <Input id={reasonId} type="text" value={reason} onChange={(e) => setReason(e.target.value)} />
            <Box display="flex" columnGap="space20" marginTop="space20">
              <Button variant="primary" size="small" type="submit" loading={busy}>
                {t('RCReasonSubmit')}
              </Button>
              <Button variant="secondary" size="small" onClick={() => setAskReason(false)}>
                {t('RCCancel')}
              </Button>
            </Box>
          </Box>
        )}
      </Td>
    </Tr>
  );
}

/** The recording console as a Flex view: signed in with the supervisor's Flex session, nothing pasted. */
export default function RecordingConsoleView({ session }: { session: ConsoleSession }) {
  const state = useConsoleState(session);
  return (
    <Box padding="space60" overflow="auto" height="100%" data-testid="recording-console" data-state={state.kind}>
      <Heading as="h1" variant="heading20">
        {t('RCViewTitle')}
      </Heading>
      {state.kind === 'signing-in' && <Text as="p">{t('RCViewSigningIn')}</Text>}
      {state.kind === 'refused' && (
        <Text as="p" role="alert" color="colorTextError">
          {t('RCViewRefused', { code: state.code, message: state.message })}
        </Text>
      )}
      {state.kind === 'unknown' && (
        <Text as="p" role="alert" color="colorTextError">
          {t('RCStateUnknown')}: {state.message}
        </Text>
      )}
      {state.kind === 'ready' && (
        <>
          {state.stale && (
            <Text as="p" role="alert" color="colorTextError">
              {t('RCStateUnknown')}: {state.stale.code}: {state.stale.message}
            </Text>
          )}
          <Text as="p" marginBottom="space40">
            {t('RCViewCalls', { count: state.data.calls.length })}
          </Text>
          {state.data.calls.length === 0 ? (
            <Text as="p">{t('RCViewNoCalls')}</Text>
          ) : (
            <Table>
              <THead>
                <Tr>
                  <Th>{t('RCColCall')}</Th>
                  <Th>{t('RCColState')}</Th>
                  <Th>{t('RCColAgents')}</Th>
                  <Th>{t('RCColLastChange')}</Th>
                  <Th>{t('RCColActions')}</Th>
                </Tr>
              </THead>
              <TBody>
                {state.data.calls.map((call) => (
                  <CallRow key={call.sid} call={call} session={session} />
                ))}
              </TBody>
            </Table>
          )}
        </>
      )}
    </Box>
  );
}

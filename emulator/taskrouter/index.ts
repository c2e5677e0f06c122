import { Router, type Request, type Response } from 'express';
import type { EmulatorContext } from '../app';
import { errors } from '../errors';
import { iso8601, newSid, single, v1Page } from '../format';

/**
 * The part of TaskRouter (v1) the toolkit reads to know whether an agent holds a call: workspaces,
 * workers, tasks with their attributes, and each worker's reservations. Routing is not emulated: the
 * control surface assigns a task to a worker (`POST /__emulator/taskrouter/assign`), as Flex's
 * workflow would, and moves a reservation on (`POST /__emulator/taskrouter/reservations/:Sid`).
 */

/** The Flex Task Assignment workspace every emulated account has, as every Flex account has one. */
export const EMULATOR_WORKSPACE_SID = 'WS00000000000000000000000000000000';

const HOST = 'https://taskrouter.twilio.com';
const RESERVATION_STATUSES = [
  'pending',
  'accepted',
  'rejected',
  'timeout',
  'canceled',
  'rescinded',
  'wrapping',
  'completed',
] as const;
type ReservationStatus = (typeof RESERVATION_STATUSES)[number];

interface Workspace {
  sid: string;
  friendlyName: string;
  created: number;
}
interface Worker {
  sid: string;
  workspaceSid: string;
  friendlyName: string;
  attributes: string;
  created: number;
}
interface Task {
  sid: string;
  workspaceSid: string;
  attributes: string;
  assignmentStatus: 'pending' | 'reserved' | 'assigned' | 'canceled' | 'completed' | 'wrapping';
  created: number;
  updated: number;
}
interface Reservation {
  sid: string;
  workspaceSid: string;
  taskSid: string;
  workerSid: string;
  status: ReservationStatus;
  created: number;
  updated: number;
}

const jsonAttributes = (raw: string | undefined): string => {
  if (raw === undefined) return '{}';
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error();
  } catch {
    throw errors.invalidParameter('Attributes', 'must be a JSON object');
  }
  return raw;
};

/** TaskRouter's lists page as its OpenAPI says: PageSize 1 to 1000. */
const PAGING = { host: HOST, maxPageSize: 1000 };

export function taskrouterModule(ctx: EmulatorContext): Router {
  const workspaces = new Map<string, Workspace>();
  const workers = new Map<string, Worker>();
  const tasks = new Map<string, Task>();
  const reservations = new Map<string, Reservation>();
  const seed = () => {
    workspaces.clear();
    workers.clear();
    tasks.clear();
    reservations.clear();
    workspaces.set(EMULATOR_WORKSPACE_SID, {
      sid: EMULATOR_WORKSPACE_SID,
      friendlyName: 'Flex Task Assignment',
      created: ctx.now(),
    });
  };
  seed();
  ctx.onReset(seed);

  const workspaceOf = (req: Request) => {
    const found = workspaces.get(req.params.WorkspaceSid as string);
    if (!found) throw errors.notFound(req.path);
    return found;
  };

  const workspaceJson = (w: Workspace) => ({
    account_sid: ctx.accountSid,
    date_created: iso8601(w.created),
    date_updated: iso8601(w.created),
    default_activity_name: 'Offline',
    default_activity_sid: null,
    event_callback_url: null,
    events_filter: null,
    friendly_name: w.friendlyName,
    multi_task_enabled: true,
    sid: w.sid,
    timeout_activity_name: 'Offline',
    timeout_activity_sid: null,
    prioritize_queue_order: 'FIFO',
    url: `${HOST}/v1/Workspaces/${w.sid}`,
    links: {
      tasks: `${HOST}/v1/Workspaces/${w.sid}/Tasks`,
      workers: `${HOST}/v1/Workspaces/${w.sid}/Workers`,
    },
  });
  const workerJson = (w: Worker) => ({
    account_sid: ctx.accountSid,
    activity_name: 'Available',
    activity_sid: null,
    attributes: w.attributes,
    available: true,
    date_created: iso8601(w.created),
    date_status_changed: iso8601(w.created),
    date_updated: iso8601(w.created),
    friendly_name: w.friendlyName,
    sid: w.sid,
    workspace_sid: w.workspaceSid,
    url: `${HOST}/v1/Workspaces/${w.workspaceSid}/Workers/${w.sid}`,
    links: {
      reservations: `${HOST}/v1/Workspaces/${w.workspaceSid}/Workers/${w.sid}/Reservations`,
      workspace: `${HOST}/v1/Workspaces/${w.workspaceSid}`,
    },
  });
  const taskJson = (t: Task) => ({
    account_sid: ctx.accountSid,
    age: Math.floor((ctx.now() - t.created) / 1000),
    assignment_status: t.assignmentStatus,
    attributes: t.attributes,
    addons: '{}',
    date_created: iso8601(t.created),
    date_updated: iso8601(t.updated),
    task_queue_entered_date: iso8601(t.created),
    priority: 0,
    reason: null,
    sid: t.sid,
    task_queue_sid: null,
    task_queue_friendly_name: null,
    task_channel_sid: null,
    task_channel_unique_name: 'voice',
    timeout: 86400,
    workflow_sid: null,
    workflow_friendly_name: null,
    workspace_sid: t.workspaceSid,
    url: `${HOST}/v1/Workspaces/${t.workspaceSid}/Tasks/${t.sid}`,
    links: {
      reservations: `${HOST}/v1/Workspaces/${t.workspaceSid}/Tasks/${t.sid}/Reservations`,
      workspace: `${HOST}/v1/Workspaces/${t.workspaceSid}`,
    },
    virtual_start_time: iso8601(t.created),
    ignore_capacity: false,
    routing_target: null,
  });
  const reservationJson = (r: Reservation) => ({
    account_sid: ctx.accountSid,
    date_created: iso8601(r.created),
    date_updated: iso8601(r.updated),
    reservation_status: r.status,
    sid: r.sid,
    task_sid: r.taskSid,
    worker_name: workers.get(r.workerSid)?.friendlyName ?? r.workerSid,
    worker_sid: r.workerSid,
    workspace_sid: r.workspaceSid,
    url: `${HOST}/v1/Workspaces/${r.workspaceSid}/Workers/${r.workerSid}/Reservations/${r.sid}`,
    links: {
      task: `${HOST}/v1/Workspaces/${r.workspaceSid}/Tasks/${r.taskSid}`,
      worker: `${HOST}/v1/Workspaces/${r.workspaceSid}/Workers/${r.workerSid}`,
      workspace: `${HOST}/v1/Workspaces/${r.workspaceSid}`,
    },
  });

  const router = Router();
  router.post('/v1/Workspaces', (req, res) => {
    const friendlyName = single(req, 'FriendlyName');
    if (!friendlyName) throw errors.invalidParameter('FriendlyName', 'is required');
    const workspace = { sid: newSid('WS'), friendlyName, created: ctx.now() };
    workspaces.set(workspace.sid, workspace);
    res.status(201).json(workspaceJson(workspace));
  });
  router.get('/v1/Workspaces', (req, res) => {
    const name = single(req, 'FriendlyName');
    const list = [...workspaces.values()].filter((w) => !name || w.friendlyName === name).map(workspaceJson);
    res.json(v1Page(req, PAGING, 'workspaces', '/v1/Workspaces', list, ['FriendlyName']));
  });
  router.get('/v1/Workspaces/:WorkspaceSid', (req, res) => {
    res.json(workspaceJson(workspaceOf(req)));
  });

  router.post('/v1/Workspaces/:WorkspaceSid/Workers', (req, res) => {
    const workspace = workspaceOf(req);
    const friendlyName = single(req, 'FriendlyName');
    if (!friendlyName) throw errors.invalidParameter('FriendlyName', 'is required');
    const worker: Worker = {
      sid: newSid('WK'),
      workspaceSid: workspace.sid,
      friendlyName,
      attributes: jsonAttributes(single(req, 'Attributes')),
      created: ctx.now(),
    };
    workers.set(worker.sid, worker);
    res.status(201).json(workerJson(worker));
  });
  router.get('/v1/Workspaces/:WorkspaceSid/Workers', (req, res) => {
    const workspace = workspaceOf(req);
    const list = [...workers.values()].filter((w) => w.workspaceSid === workspace.sid).map(workerJson);
    res.json(v1Page(req, PAGING, 'workers', `/v1/Workspaces/${workspace.sid}/Workers`, list));
  });
  const workerOf = (req: Request, param = 'Sid') => {
    const workspace = workspaceOf(req);
    const worker = workers.get(req.params[param] as string);
    if (!worker || worker.workspaceSid !== workspace.sid) throw errors.notFound(req.path);
    return worker;
  };
  router.get('/v1/Workspaces/:WorkspaceSid/Workers/:Sid', (req, res) => {
    res.json(workerJson(workerOf(req)));
  });

  router.post('/v1/Workspaces/:WorkspaceSid/Tasks', (req, res) => {
    const workspace = workspaceOf(req);
    const now = ctx.now();
    const task: Task = {
      sid: newSid('WT'),
      workspaceSid: workspace.sid,
      attributes: jsonAttributes(single(req, 'Attributes')),
      assignmentStatus: 'pending',
      created: now,
      updated: now,
    };
    tasks.set(task.sid, task);
    res.status(201).json(taskJson(task));
  });
  router.get('/v1/Workspaces/:WorkspaceSid/Tasks', (req, res) => {
    const workspace = workspaceOf(req);
    const status = single(req, 'AssignmentStatus');
    const list = [...tasks.values()]
      .filter((t) => t.workspaceSid === workspace.sid && (!status || t.assignmentStatus === status))
      .map(taskJson);
    res.json(v1Page(req, PAGING, 'tasks', `/v1/Workspaces/${workspace.sid}/Tasks`, list, ['AssignmentStatus']));
  });
  router.get('/v1/Workspaces/:WorkspaceSid/Tasks/:Sid', (req, res) => {
    const workspace = workspaceOf(req);
    const task = tasks.get(req.params.Sid as string);
    if (!task || task.workspaceSid !== workspace.sid) throw errors.notFound(req.path);
    res.json(taskJson(task));
  });

  /** One page of the reservations `of` keeps (a task's or a worker's), filtered by ReservationStatus. */
  const reservationsPage = (req: Request, res: Response, of: (r: Reservation) => boolean, path: string) => {
    const status = single(req, 'ReservationStatus');
    const list = [...reservations.values()]
      .filter((r) => of(r) && (!status || r.status === status))
      .map(reservationJson);
    res.json(v1Page(req, PAGING, 'reservations', path, list, ['ReservationStatus']));
  };
  router.get('/v1/Workspaces/:WorkspaceSid/Tasks/:TaskSid/Reservations', (req, res) => {
    const workspace = workspaceOf(req);
    const task = tasks.get(req.params.TaskSid as string);
    if (!task || task.workspaceSid !== workspace.sid) throw errors.notFound(req.path);
    reservationsPage(
      req,
      res,
      (r) => r.taskSid === task.sid,
      `/v1/Workspaces/${workspace.sid}/Tasks/${task.sid}/Reservations`,
    );
  });
  router.get('/v1/Workspaces/:WorkspaceSid/Workers/:WorkerSid/Reservations', (req, res) => {
    const worker = workerOf(req, 'WorkerSid');
    reservationsPage(
      req,
      res,
      (r) => r.workerSid === worker.sid,
      `/v1/Workspaces/${worker.workspaceSid}/Workers/${worker.sid}/Reservations`,
    );
  });
  router.get('/v1/Workspaces/:WorkspaceSid/Workers/:WorkerSid/Reservations/:Sid', (req, res) => {
    const worker = workerOf(req, 'WorkerSid');
    const found = reservations.get(req.params.Sid as string);
    if (!found || found.workerSid !== worker.sid) throw errors.notFound(req.path);
    res.json(reservationJson(found));
  });

  // The control surface: Flex's routing, done by hand.
  ctx.control.post('/taskrouter/assign', (req, res) => {
    const body = (req.body ?? {}) as {
      workspaceSid?: string;
      taskSid?: string;
      workerSid?: string;
      attributes?: object;
      status?: ReservationStatus;
    };
    const workspace = workspaces.get(body.workspaceSid ?? EMULATOR_WORKSPACE_SID);
    if (!workspace || !body.workerSid || !/^WK[0-9a-f]{32}$/.test(body.workerSid)) {
      res.status(400).json({ message: 'workerSid (WK…) is required, and workspaceSid must name a workspace' });
      return;
    }
    const status = body.status ?? 'accepted';
    if (!RESERVATION_STATUSES.includes(status)) {
      res.status(400).json({ message: `status must be one of ${RESERVATION_STATUSES.join(', ')}` });
      return;
    }
    const now = ctx.now();
    // A Flex user's worker exists from their first sign-in: one the emulator has not seen is created here.
    if (!workers.has(body.workerSid))
      workers.set(body.workerSid, {
        sid: body.workerSid,
        workspaceSid: workspace.sid,
        friendlyName: body.workerSid,
        attributes: '{}',
        created: now,
      });
    let task = body.taskSid ? tasks.get(body.taskSid) : undefined;
    if (body.taskSid && !task) {
      res.status(404).json({ message: `no task ${body.taskSid}` });
      return;
    }
    if (!task) {
      task = {
        sid: newSid('WT'),
        workspaceSid: workspace.sid,
        attributes: JSON.stringify(body.attributes ?? {}),
        assignmentStatus: 'pending',
        created: now,
        updated: now,
      };
      tasks.set(task.sid, task);
    }
    task.assignmentStatus =
      status === 'accepted' ? 'assigned' : status === 'pending' ? 'reserved' : task.assignmentStatus;
    task.updated = now;
    const reservation: Reservation = {
      sid: newSid('WR'),
      workspaceSid: workspace.sid,
      taskSid: task.sid,
      workerSid: body.workerSid,
      status,
      created: now,
      updated: now,
    };
    reservations.set(reservation.sid, reservation);
    res.status(201).json({ task: taskJson(task), reservation: reservationJson(reservation) });
  });
  ctx.control.post('/taskrouter/reservations/:Sid', (req, res) => {
    const found = reservations.get(req.params.Sid);
    const status = (req.body as { status?: ReservationStatus } | undefined)?.status;
    if (!found) {
      res.status(404).json({ message: `no reservation ${req.params.Sid}` });
      return;
    }
    if (!status || !RESERVATION_STATUSES.includes(status)) {
      res.status(400).json({ message: `status must be one of ${RESERVATION_STATUSES.join(', ')}` });
      return;
    }
    found.status = status;
    found.updated = ctx.now();
    res.json(reservationJson(found));
  });
  return router;
}

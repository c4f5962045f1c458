/// <reference path="./interfaces/infrarust-plugin-commands.d.ts" />
/// <reference path="./interfaces/infrarust-plugin-config-read.d.ts" />
/// <reference path="./interfaces/infrarust-plugin-events.d.ts" />
/// <reference path="./interfaces/infrarust-plugin-guest.d.ts" />
/// <reference path="./interfaces/infrarust-plugin-log.d.ts" />
/// <reference path="./interfaces/infrarust-plugin-player-read.d.ts" />
/// <reference path="./interfaces/infrarust-plugin-scheduler.d.ts" />
/// <reference path="./interfaces/infrarust-plugin-server-read.d.ts" />
/// <reference path="./interfaces/infrarust-plugin-types.d.ts" />
declare module 'local:guest/plugin' {
  export type * as InfrarustPluginCommands010 from 'infrarust:plugin/commands@0.1.0'; // import infrarust:plugin/commands@0.1.0
  export type * as InfrarustPluginConfigRead010 from 'infrarust:plugin/config-read@0.1.0'; // import infrarust:plugin/config-read@0.1.0
  export type * as InfrarustPluginEvents010 from 'infrarust:plugin/events@0.1.0'; // import infrarust:plugin/events@0.1.0
  export type * as InfrarustPluginLog010 from 'infrarust:plugin/log@0.1.0'; // import infrarust:plugin/log@0.1.0
  export type * as InfrarustPluginPlayerRead010 from 'infrarust:plugin/player-read@0.1.0'; // import infrarust:plugin/player-read@0.1.0
  export type * as InfrarustPluginScheduler010 from 'infrarust:plugin/scheduler@0.1.0'; // import infrarust:plugin/scheduler@0.1.0
  export type * as InfrarustPluginServerRead010 from 'infrarust:plugin/server-read@0.1.0'; // import infrarust:plugin/server-read@0.1.0
  export type * as InfrarustPluginTypes010 from 'infrarust:plugin/types@0.1.0'; // import infrarust:plugin/types@0.1.0
  export * as guest from 'infrarust:plugin/guest@0.1.0'; // export infrarust:plugin/guest@0.1.0
}

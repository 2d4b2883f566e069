// Sample callback bodies for every vendor event type (SPEC §1), before signing.
// Each call makes fresh ids, so a sent sample is a new event (not a duplicate) at the worker.

const rand = (n) => Array.from(crypto.getRandomValues(new Uint8Array(n)), (b) => (b % 10).toString()).join('');
const hex = (n) => Array.from(crypto.getRandomValues(new Uint8Array(n)), (b) => b.toString(16).padStart(2, '0')).join('');

/** Tencent VOD EventType → payload field. */
export const TENCENT_TYPES = {
  NewFileUpload: 'FileUploadEvent',
  ProcedureStateChanged: 'ProcedureStateChangeEvent',
  FileDeleted: 'FileDeleteEvent',
  PullComplete: 'PullCompleteEvent',
  EditMediaComplete: 'EditMediaCompleteEvent',
  SplitMediaComplete: 'SplitMediaCompleteEvent',
  ComposeMediaComplete: 'ComposeMediaCompleteEvent',
  WechatPublishComplete: 'WechatPublishCompleteEvent',
  WechatMiniProgramPublishComplete: 'WechatMiniProgramPublishCompleteEvent',
  RemoveWatermark: 'RemoveWatermarkCompleteEvent',
  RestoreMediaComplete: 'RestoreMediaCompleteEvent',
  RebuildMediaComplete: 'RebuildMediaCompleteEvent',
  ExtractTraceWatermarkComplete: 'ExtractTraceWatermarkCompleteEvent',
  ExtractCopyRightWatermarkComplete: 'ExtractCopyRightWatermarkCompleteEvent',
  ReviewAudioVideoComplete: 'ReviewAudioVideoCompleteEvent',
  DescribeFileAttributesComplete: 'DescribeFileAttributesCompleteEvent',
  QualityInspectComplete: 'QualityInspectCompleteEvent',
  QualityEnhanceComplete: 'QualityEnhanceCompleteEvent',
  MediaCastStatusChanged: 'MediaCastStatusChangedEvent',
  PersistenceComplete: 'PersistenceCompleteEvent',
  ComplexAdaptiveDynamicStreamingComplete: 'ComplexAdaptiveDynamicStreamingCompleteEvent',
  ProcessMediaByMPSComplete: 'ProcessMediaByMPSCompleteEvent',
  AigcImageTaskComplete: 'AigcImageCompleteEvent',
  AigcVideoTaskComplete: 'AigcVideoCompleteEvent',
  ExtractBlindWatermarkComplete: 'ExtractBlindWatermarkComplete',
  TranscodeComplete: 'TranscodeCompleteEvent',
  ConcatComplete: 'ConcatCompleteEvent',
  ClipComplete: 'ClipCompleteEvent',
  CreateImageSpriteComplete: 'CreateImageSpriteCompleteEvent',
  CreateSnapshotByTimeOffsetComplete: 'SnapshotByTimeOffsetCompleteEvent',
};

/** Baidu VOD eventType → payload key. */
export const BAIDU_TYPES = {
  MEDIA_UPLOAD_COMPLETE: 'mediaUploadCompleteEvent',
  MEDIA_FETCH_COMPLETE: 'mediaFetchCompleteEvent',
  MEDIA_TRANSCODE_COMPLETE: 'mediaTranscodeCompleteEvent',
  MEDIA_THUMBNAIL_COMPLETE: 'mediaThumbnailCompleteEvent',
  MEDIA_ANALYSIS_COMPLETE: 'mediaAnalysisCompleteEvent',
  MEDIA_REGULATION_COMPLETE: 'mediaRegulationCompleteEvent',
  COMPOSE_TASK_STATUS_CHANGE: 'composeTaskStatusChangeEvent',
  VIDEO_GENERATE_COMPLETE: 'videoGenerateCompleteEvent',
};

/** Volcengine Live event_type values. */
export const VOLCENGINE_TYPES = ['push_start', 'push_end', 'record_event', 'snapshot_event', 'audit_snapshot'];

export function eventTypes(vendor) {
  if (vendor === 'tencent_vod') return Object.keys(TENCENT_TYPES);
  if (vendor === 'baidu_vod') return Object.keys(BAIDU_TYPES);
  return VOLCENGINE_TYPES;
}

/** An unsigned sample body (an object) for `vendor` and its event type `type`. */
export function sampleBody(vendor, type, nowMs = Date.now()) {
  const iso = new Date(nowMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
  if (vendor === 'tencent_vod') {
    const fileId = `52858907${rand(11)}`;
    const payload = { FileId: fileId };
    if (type === 'NewFileUpload') {
      Object.assign(payload, { MediaBasicInfo: { Name: 'sample.mp4', Type: 'mp4', CreateTime: iso }, ProcedureTaskId: '' });
    } else if (type === 'ProcedureStateChanged') {
      Object.assign(payload, { TaskId: `1400000000-procedurev2-${hex(8)}`, Status: 'FINISH', ErrCode: 0, Message: 'SUCCESS' });
    } else if (type === 'FileDeleted') {
      payload.FileIdSet = [fileId];
      delete payload.FileId;
    } else {
      Object.assign(payload, { TaskId: `1400000000-${type}-${hex(8)}`, Status: 'FINISH', ErrCode: 0, Message: 'SUCCESS' });
    }
    return { EventType: type, [TENCENT_TYPES[type] ?? `${type}Event`]: payload };
  }
  if (vendor === 'baidu_vod') {
    const mediaId = `mda-${hex(8)}`;
    return {
      eventId: `evt-${hex(12)}`,
      eventType: type,
      eventTime: iso,
      [BAIDU_TYPES[type] ?? 'event']: { mediaId, status: 'SUCCESS', title: 'sample', createTime: iso },
    };
  }
  const session = hex(16);
  const body = {
    vhost: 'push.live.example.com', domain: 'push.live.example.com', app: 'live',
    stream: `stream-${rand(6)}`, event_type: type, time: Math.floor(nowMs / 1000), time_ms: nowMs,
    session_id: session, sequence_id: 1, fp_client_ip: '203.0.113.7',
  };
  if (type === 'record_event') Object.assign(body, { url: `https://vod.example.com/record/${session}.mp4`, duration: 60 });
  if (type === 'snapshot_event' || type === 'audit_snapshot') body.url = `https://vod.example.com/snapshot/${session}.jpg`;
  return body;
}

//! The admin API (bearer `admin_token`, constant-time check): `GET /v1/sources`,
//! `GET /v1/events` (`?source&status&limit≤500&before=<cursor>`, newest first; the answer's
//! `next_before` continues the listing), `GET /v1/events/{id}`, `POST /v1/events/{id}/replay`,
//! `POST /v1/dead-letters/replay` (`?source&type&limit≤1000&after=<cursor>`, oldest first per
//! shard; call again with `after=<next_after>` while `more` is true),
//! `GET /v1/dead-letters/quarantine` (queue messages that did not parse).
//! Every answer is bounded, whatever the number of stored events.

use serde_json::{json, Value};
use worker::{Env, Method, Request};

use crate::config;
use crate::http::{bearer_token, ok_json, param, query_params, ApiError, ApiResult, Log};
use crate::protocol::{
    self, Cursor, EventRef, EventState, GetResp, ListReq, ListResp, QuarantineList, ReplayDeadReq,
    ReplayDeadResp, ReplayOutcome, ReplayResp,
};
use crate::util::{percent_decode, url_for_log};
use crate::{pull_api, store, valid_config};

/// Where a dead-letter replay pass ended: `"<source>~<shard>~<ms>.<id>"` in the API (`~`
/// never occurs in a source name).
#[derive(Debug, Clone, PartialEq)]
struct ReplayCursor {
    source: String,
    shard: u32,
    position: Cursor,
}

impl ReplayCursor {
    fn to_param(&self) -> String {
        format!(
            "{}~{}~{}",
            self.source,
            self.shard,
            self.position.to_param()
        )
    }

    fn parse(s: &str) -> Option<ReplayCursor> {
        let mut parts = s.splitn(3, '~');
        let (source, shard, position) = (parts.next()?, parts.next()?, parts.next()?);
        if source.is_empty() || shard.is_empty() || !shard.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Some(ReplayCursor {
            source: source.into(),
            shard: shard.parse().ok()?,
            position: Cursor::parse(position)?,
        })
    }
}

fn limit_param(q: &[(String, String)], default: i64, max: i64) -> Result<i64, ApiError> {
    match param(q, "limit") {
        None => Ok(default),
        Some(v) => match v.parse::<i64>() {
            Ok(n) if (1..=max).contains(&n) => Ok(n),
            _ => Err(ApiError::bad_request(format!(
                "limit must be an integer from 1 to {max}"
            ))),
        },
    }
}

/// What `GET /v1/sources` says of a source: never its key, secrets or pull token, and
/// destination URLs without their query string.
fn source_summary(s: &config::Source) -> Value {
    // An empty filter takes every type.
    let patterns = |t: &[config::TypePattern]| -> Vec<String> {
        if t.is_empty() {
            return vec!["*".into()];
        }
        t.iter().map(config::TypePattern::as_written).collect()
    };
    json!({
        "name": s.name,
        "vendor": s.vendor.as_str(),
        "destinations": s.destinations.iter().map(|d| json!({
            "url": url_for_log(&d.url),
            "types": patterns(&d.types),
        })).collect::<Vec<_>>(),
        "pull": s.pull.as_ref().map(|p| json!({
            "types": patterns(&p.types),
            "visibility_timeout_seconds": p.visibility_timeout_seconds,
            "retention_seconds": p.retention_seconds,
        })),
    })
}

/// Handles an admin API request (`segs`: the path's segments).
pub async fn handle(req: Request, env: &Env, segs: &[&str], log: &mut Log) -> ApiResult {
    let cfg = valid_config(env)?;
    let Ok(cfg) = cfg.as_ref() else {
        return Err(ApiError::no_route());
    };
    if !cfg.admin_enabled() {
        return Err(ApiError::new(
            403,
            "admin_disabled",
            "the admin API is disabled: set admin_token in the configuration",
        ));
    }
    if !cfg.admin_token_matches(&bearer_token(&req)) {
        return Err(ApiError::unauthorized("a valid bearer token is required"));
    }
    let method = req.method();
    let q = query_params(&req);
    let source = param(&q, "source");
    if let Some(s) = source {
        log.source = Some(s.to_string());
        if cfg.source(s).is_none() {
            return Err(ApiError::unknown_source());
        }
    }
    let sources: Vec<&str> = match source {
        Some(s) => vec![s],
        None => cfg.sources.iter().map(|s| s.name.as_str()).collect(),
    };
    let is_pull = |s: &str| cfg.source(s).is_some_and(|c| c.pull.is_some());
    log.outcome = "ok".into();
    match segs {
        ["v1", "sources"] => {
            if method != Method::Get {
                return Err(ApiError::method_not_allowed("GET"));
            }
            let list: Vec<Value> = cfg
                .sources
                .iter()
                .filter(|s| sources.contains(&s.name.as_str()))
                .map(source_summary)
                .collect();
            ok_json(200, &json!({ "sources": list }))
        }
        ["v1", "events"] => {
            if method != Method::Get {
                return Err(ApiError::method_not_allowed("GET"));
            }
            let status = match param(&q, "status") {
                None => None,
                Some(s) => Some(EventState::parse(s).ok_or_else(|| {
                    ApiError::bad_request("status must be pending, delivered or dead")
                })?),
            };
            let limit = limit_param(&q, 50, 500)?;
            let before = match param(&q, "before") {
                None => None,
                Some(c) => Some(Cursor::parse(c).ok_or_else(|| {
                    ApiError::bad_request("before must be a cursor from next_before")
                })?),
            };
            let mut all: Vec<(String, Value)> = Vec::new();
            for s in &sources {
                let Some(src) = cfg.source(s) else { continue };
                for shard in store::shard_names(src) {
                    // One more than asked: tells whether there is a next page.
                    let body = ListReq {
                        source: s.to_string(),
                        status,
                        limit: limit + 1,
                        before: before.clone(),
                    };
                    let v: ListResp =
                        protocol::call(env, store::BINDING, &shard, "/list", &body).await?;
                    all.extend(v.events.into_iter().map(|e| (s.to_string(), e)));
                }
            }
            // Newest first, ties by id (the order of the shards' own listings).
            all.sort_by(|(_, a), (_, b)| {
                b["received_at_ms"]
                    .as_i64()
                    .cmp(&a["received_at_ms"].as_i64())
                    .then_with(|| a["id"].as_str().cmp(&b["id"].as_str()))
            });
            let limit = usize::try_from(limit).unwrap_or(50);
            let more = all.len() > limit;
            all.truncate(limit);
            let next_before = more.then(|| all.last()).flatten().and_then(|(_, e)| {
                Some(
                    Cursor {
                        at: e["received_at_ms"].as_i64()?,
                        id: e["id"].as_str()?.to_string(),
                    }
                    .to_param(),
                )
            });
            let mut events: Vec<Value> = Vec::with_capacity(all.len());
            for s in &sources {
                if !is_pull(s) {
                    continue;
                }
                let mut mine: Vec<Value> = all
                    .iter()
                    .filter(|(src, _)| src == s)
                    .map(|(_, e)| e.clone())
                    .collect();
                pull_api::add_pull_status(env, s, &mut mine).await;
                for e in mine {
                    if let Some(slot) = all
                        .iter_mut()
                        .find(|(src, x)| src == s && x["id"] == e["id"])
                    {
                        slot.1 = e;
                    }
                }
            }
            events.extend(all.into_iter().map(|(_, e)| e));
            ok_json(200, &json!({"events": events, "next_before": next_before}))
        }
        ["v1", "events", raw_id] | ["v1", "events", raw_id, "replay"] => {
            let replay = segs.len() == 4;
            let want = if replay { Method::Post } else { Method::Get };
            if method != want {
                return Err(ApiError::method_not_allowed(if replay {
                    "POST"
                } else {
                    "GET"
                }));
            }
            let Some(id) = percent_decode(raw_id).filter(|s| !s.is_empty()) else {
                return Err(ApiError::bad_request("bad event id in the path"));
            };
            log.event_id = Some(id.clone());
            for s in &sources {
                let Some(src) = cfg.source(s) else { continue };
                // The id names its shard: one call per source.
                let shard = store::shard_name(s, src.shards, &id);
                let body = EventRef {
                    id: id.clone(),
                    source: s.to_string(),
                };
                if !replay {
                    let v: GetResp =
                        protocol::call(env, store::BINDING, &shard, "/get", &body).await?;
                    if let Some(mut event) = v.event {
                        if is_pull(s) {
                            pull_api::add_pull_status(env, s, std::slice::from_mut(&mut event))
                                .await;
                        }
                        return ok_json(200, &event);
                    }
                    continue;
                }
                let v: ReplayResp =
                    protocol::call(env, store::BINDING, &shard, "/replay", &body).await?;
                match v.outcome {
                    ReplayOutcome::NotFound => continue,
                    ReplayOutcome::Queued => {
                        return ok_json(
                            202,
                            &json!({"id": id, "source": s, "outcome": "queued", "in_flight": v.in_flight}),
                        )
                    }
                    ReplayOutcome::NothingToDeliver => {
                        return ok_json(
                            200,
                            &json!({"id": id, "source": s, "outcome": "nothing_to_deliver"}),
                        )
                    }
                    ReplayOutcome::Unavailable => {
                        return Err(ApiError::new(
                            503,
                            "unavailable",
                            "the replay could not be queued; retry later",
                        ))
                    }
                }
            }
            Err(ApiError::new(404, "not_found", "no event with this id"))
        }
        ["v1", "dead-letters", "replay"] => {
            if method != Method::Post {
                return Err(ApiError::method_not_allowed("POST"));
            }
            let type_pattern = param(&q, "type");
            if type_pattern.is_some_and(|t| config::TypePattern::parse(t).is_none()) {
                return Err(ApiError::bad_request(
                    "type must be *, an event type or a prefix pattern like media.*",
                ));
            }
            let limit = limit_param(&q, 100, 1000)?;
            // A pass goes through the sources in order, each one's shards in order, each
            // shard's dead events oldest first; `after` is where the previous call ended.
            let after = match param(&q, "after") {
                None => None,
                Some(a) => {
                    let c = ReplayCursor::parse(a).ok_or_else(|| {
                        ApiError::bad_request(
                            "after must be a next_after value of a previous replay",
                        )
                    })?;
                    let Some(at) = sources.iter().position(|s| *s == c.source) else {
                        return Err(ApiError::bad_request(
                            "after names a source this replay does not cover",
                        ));
                    };
                    Some((at, c))
                }
            };
            let (mut replayed, mut failed, mut more) = (Vec::new(), 0u64, false);
            let mut last: Option<ReplayCursor> = None;
            'sources: for (i, s) in sources.iter().enumerate() {
                let Some(src) = cfg.source(s) else { continue };
                for (k, shard) in store::shard_names(src).into_iter().enumerate() {
                    let k = u32::try_from(k).unwrap_or(u32::MAX);
                    let from = match &after {
                        Some((at, c)) if (i, k) < (*at, c.shard) => continue,
                        Some((at, c)) if (i, k) == (*at, c.shard) => Some(c.position.clone()),
                        _ => None,
                    };
                    let remaining = limit - replayed.len() as i64;
                    if remaining <= 0 {
                        more = true;
                        break 'sources;
                    }
                    let body = ReplayDeadReq {
                        source: s.to_string(),
                        type_pattern: type_pattern.map(String::from),
                        limit: remaining,
                        after: from,
                    };
                    let v: ReplayDeadResp =
                        protocol::call(env, store::BINDING, &shard, "/replay-dead", &body).await?;
                    replayed.extend(v.replayed.iter().map(|id| json!({"source": s, "id": id})));
                    failed += u64::from(v.failed);
                    more |= v.more;
                    if let Some(position) = v.last {
                        last = Some(ReplayCursor {
                            source: s.to_string(),
                            shard: k,
                            position,
                        });
                    }
                }
            }
            // `more` means this call replayed `limit` events, so `last` is set.
            let next_after = last.filter(|_| more).map(|c| c.to_param());
            ok_json(
                202,
                &json!({"replayed": replayed, "count": replayed.len(), "failed": failed, "more": more, "next_after": next_after}),
            )
        }
        ["v1", "dead-letters", "quarantine"] => {
            if method != Method::Get {
                return Err(ApiError::method_not_allowed("GET"));
            }
            let v: QuarantineList = protocol::call(
                env,
                store::BINDING,
                store::QUARANTINE,
                "/quarantined",
                &json!({}),
            )
            .await?;
            ok_json(200, &json!({"messages": v.messages}))
        }
        _ => Err(ApiError::no_route()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_replay_cursor_reads_back_as_written_and_junk_is_refused() {
        let c = ReplayCursor {
            source: "tencent-prod.v2".into(),
            shard: 3,
            position: Cursor {
                at: 1_735_725_600_000,
                id: "evt_a~b.c".into(),
            },
        };
        assert_eq!(c.to_param(), "tencent-prod.v2~3~1735725600000.evt_a~b.c");
        assert_eq!(ReplayCursor::parse(&c.to_param()), Some(c));
        for bad in [
            "",
            "s",
            "s~1",
            "s~x~1.e",
            "~1~1.e",
            "s~~1.e",
            "s~1~x.e",
            "s~1~1.",
            "s~99999999999~1.e",
        ] {
            assert_eq!(ReplayCursor::parse(bad), None, "{bad}");
        }
    }
}

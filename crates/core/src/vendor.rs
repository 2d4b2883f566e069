//! The vendors mediahook understands.

use core::{fmt, str::FromStr};
use serde::{Deserialize, Serialize};

/// A media cloud that sends callbacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Vendor {
    /// Tencent Cloud VOD, event notification v3.0 (`Sign` / `T` in the body).
    TencentVod,
    /// Baidu AI Cloud VOD v2 (`vod-callback-auth-*` headers, HMAC-SHA256).
    BaiduVod,
    /// Volcengine Live, API 2023-01-01 (`sign` / `t` in the body).
    VolcengineLive,
}

impl Vendor {
    /// Every vendor.
    pub const ALL: [Vendor; 3] = [Vendor::TencentVod, Vendor::BaiduVod, Vendor::VolcengineLive];

    /// The wire name: `tencent_vod`, `baidu_vod`, `volcengine_live`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Vendor::TencentVod => "tencent_vod",
            Vendor::BaiduVod => "baidu_vod",
            Vendor::VolcengineLive => "volcengine_live",
        }
    }
}

impl fmt::Display for Vendor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Error for an unknown vendor name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownVendor;

impl fmt::Display for UnknownVendor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("unknown vendor: expected tencent_vod, baidu_vod or volcengine_live")
    }
}

impl FromStr for Vendor {
    type Err = UnknownVendor;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Vendor::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or(UnknownVendor)
    }
}

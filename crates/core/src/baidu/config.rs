//! baidu callback-config models and validation. PLACEHOLDER: being implemented.

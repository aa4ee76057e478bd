//! Rate limits per device key: a token bucket each (a burst, then a steady rate). Keys are free to
//! make, so this stops one misbehaving phone, not a flood from many keys: put a per-address limit
//! in the reverse proxy in front of a public relay.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

use waymark_relay_proto::DevicePublicKey;

pub struct RateLimiter {
    burst: f64,
    per_second: f64,
    buckets: Mutex<HashMap<DevicePublicKey, (f64, Instant)>>,
}

impl RateLimiter {
    /// `burst` requests at once, then `per_minute` a minute.
    pub fn new(burst: u32, per_minute: u32) -> Self {
        RateLimiter {
            burst: burst.max(1) as f64,
            per_second: per_minute.max(1) as f64 / 60.0,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one request's token; false if the key has used its allowance.
    pub fn allow(&self, key: &DevicePublicKey) -> bool {
        let now = Instant::now();
        let Ok(mut buckets) = self.buckets.lock() else {
            return false;
        };
        // Full buckets carry no information: drop them now and then so the map stays small.
        if buckets.len() > 100_000 {
            let (burst, rate) = (self.burst, self.per_second);
            buckets.retain(|_, (t, at)| *t + now.duration_since(*at).as_secs_f64() * rate < burst);
        }
        let (tokens, at) = buckets.entry(*key).or_insert((self.burst, now));
        *tokens =
            (*tokens + now.duration_since(*at).as_secs_f64() * self.per_second).min(self.burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_gets_its_burst_then_waits_others_are_untouched() {
        let limits = RateLimiter::new(3, 60);
        let a = DevicePublicKey([1; 32]);
        let b = DevicePublicKey([2; 32]);
        assert!(limits.allow(&a) && limits.allow(&a) && limits.allow(&a));
        assert!(!limits.allow(&a));
        assert!(limits.allow(&b));
        std::thread::sleep(std::time::Duration::from_millis(1100));
        assert!(limits.allow(&a), "one token a second comes back");
        assert!(!limits.allow(&a));
    }
}

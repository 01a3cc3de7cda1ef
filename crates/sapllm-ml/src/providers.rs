//! Execution providers: which device ONNX Runtime runs models on.
//!
//! GPU providers are compiled in by Cargo features (`cuda`, `directml`, `coreml`); the CPU is
//! always there. `SAPLLM_EXECUTION_PROVIDER` (`auto` — the default —, `cpu`, `cuda`,
//! `directml`, `coreml`) says what to use; `auto` takes the first compiled-in provider that
//! the loaded ONNX Runtime library reports as available, else the CPU. Whatever is chosen,
//! and any fallback with its reason, is logged once and shown by `sapllm doctor`: a clerk
//! who bought a GPU laptop must be able to see whether it is used.

/// A device ONNX Runtime can run on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provider {
    Cpu,
    Cuda,
    DirectMl,
    CoreMl,
}

impl Provider {
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Cpu => "cpu",
            Provider::Cuda => "cuda",
            Provider::DirectMl => "directml",
            Provider::CoreMl => "coreml",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "cpu" => Some(Provider::Cpu),
            "cuda" => Some(Provider::Cuda),
            "directml" | "dml" => Some(Provider::DirectMl),
            "coreml" => Some(Provider::CoreMl),
            _ => None,
        }
    }

    /// Whether this build has the provider compiled in.
    pub fn compiled(self) -> bool {
        match self {
            Provider::Cpu => true,
            Provider::Cuda => cfg!(feature = "cuda"),
            Provider::DirectMl => cfg!(feature = "directml"),
            Provider::CoreMl => cfg!(feature = "coreml"),
        }
    }
}

/// Environment variable selecting the provider.
pub const PROVIDER_ENV: &str = "SAPLLM_EXECUTION_PROVIDER";

/// The GPU providers in the order `auto` tries them.
pub const GPU_PROVIDERS: [Provider; 3] = [Provider::Cuda, Provider::DirectMl, Provider::CoreMl];

/// What was asked for and what runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderChoice {
    /// `auto`, or a provider name as configured.
    pub requested: String,
    pub active: Provider,
    /// Why the active provider is not the one asked for (or why `auto` ended on the CPU).
    pub fallback: Option<String>,
}

impl ProviderChoice {
    pub fn describe(&self) -> String {
        match &self.fallback {
            None => format!("{} (requested {})", self.active.as_str(), self.requested),
            Some(why) => format!(
                "{} (requested {}; fell back: {why})",
                self.active.as_str(),
                self.requested
            ),
        }
    }
}

/// Decides the provider from a request (`auto` or a name) and an availability probe. Pure,
/// so that the fallback rules are tested without a GPU.
pub fn decide(
    requested: &str,
    available: &dyn Fn(Provider) -> Result<bool, String>,
) -> ProviderChoice {
    let req = requested.trim().to_ascii_lowercase();
    let req = if req.is_empty() {
        "auto".to_owned()
    } else {
        req
    };
    let cpu = |why: Option<String>| ProviderChoice {
        requested: req.clone(),
        active: Provider::Cpu,
        fallback: why,
    };
    if req == "auto" {
        let mut reasons = Vec::new();
        for p in GPU_PROVIDERS {
            if !p.compiled() {
                continue;
            }
            match available(p) {
                Ok(true) => {
                    return ProviderChoice {
                        requested: req.clone(),
                        active: p,
                        fallback: None,
                    };
                }
                Ok(false) => reasons.push(format!("{} not available", p.as_str())),
                Err(e) => reasons.push(format!("{}: {e}", p.as_str())),
            }
        }
        return cpu((!reasons.is_empty()).then(|| reasons.join("; ")));
    }
    let Some(p) = Provider::parse(&req) else {
        return cpu(Some(format!(
            "unknown provider '{req}' (use auto, cpu, cuda, directml or coreml)"
        )));
    };
    if p == Provider::Cpu {
        return cpu(None);
    }
    if !p.compiled() {
        return cpu(Some(format!(
            "this build has no {} support (Cargo feature `{}`)",
            p.as_str(),
            p.as_str()
        )));
    }
    match available(p) {
        Ok(true) => ProviderChoice {
            requested: req.clone(),
            active: p,
            fallback: None,
        },
        Ok(false) => cpu(Some(format!(
            "the ONNX Runtime library has no {} provider or no device",
            p.as_str()
        ))),
        Err(e) => cpu(Some(format!("{}: {e}", p.as_str()))),
    }
}

#[cfg(feature = "onnx")]
pub(crate) mod onnx {
    use super::Provider;
    #[allow(unused_imports)]
    use ort::ep::ExecutionProvider;
    use ort::ep::ExecutionProviderDispatch;

    /// Asks the loaded library whether it has the provider.
    pub fn available(p: Provider) -> Result<bool, String> {
        match p {
            Provider::Cpu => Ok(true),
            #[cfg(feature = "cuda")]
            Provider::Cuda => ort::ep::CUDA::is_available().map_err(|e| e.to_string()),
            #[cfg(feature = "directml")]
            Provider::DirectMl => ort::ep::DirectML::is_available().map_err(|e| e.to_string()),
            #[cfg(feature = "coreml")]
            Provider::CoreMl => ort::ep::CoreML::is_available().map_err(|e| e.to_string()),
            #[allow(unreachable_patterns)]
            _ => Ok(false),
        }
    }

    /// The provider to register on a session builder (`None`: the CPU, always present).
    pub fn dispatch(p: Provider) -> Option<ExecutionProviderDispatch> {
        match p {
            #[cfg(feature = "cuda")]
            Provider::Cuda => Some(ort::ep::CUDA::default().build()),
            #[cfg(feature = "directml")]
            Provider::DirectMl => Some(ort::ep::DirectML::default().build()),
            #[cfg(feature = "coreml")]
            Provider::CoreMl => Some(ort::ep::CoreML::default().build()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_is_always_possible() {
        let c = decide("cpu", &|_| Ok(false));
        assert_eq!(c.active, Provider::Cpu);
        assert_eq!(c.fallback, None);
    }

    #[test]
    fn auto_without_gpu_ends_on_cpu() {
        let c = decide("", &|_| Ok(false));
        assert_eq!(c.requested, "auto");
        assert_eq!(c.active, Provider::Cpu);
    }

    #[test]
    fn a_missing_provider_falls_back_with_the_reason() {
        let c = decide("cuda", &|_| Ok(false));
        assert_eq!(c.active, Provider::Cpu);
        let why = c.fallback.unwrap();
        if cfg!(feature = "cuda") {
            assert!(why.contains("no cuda provider"), "{why}");
        } else {
            assert!(why.contains("Cargo feature `cuda`"), "{why}");
        }
        let c = decide("tpu", &|_| Ok(true));
        assert!(c.fallback.unwrap().contains("unknown provider 'tpu'"));
    }

    #[test]
    fn an_available_compiled_provider_is_used() {
        let c = decide("cuda", &|_| Ok(true));
        if cfg!(feature = "cuda") {
            assert_eq!(c.active, Provider::Cuda);
        } else {
            assert_eq!(c.active, Provider::Cpu);
        }
    }
}

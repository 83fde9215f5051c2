//! Plans `aes_encrypt`, `aes_decrypt` and `try_aes_decrypt` with Spark's
//! default arguments (mode `GCM`, padding `DEFAULT`, empty IV and AAD).

use datafusion::arrow::datatypes::DataType;
use datafusion::logical_expr::{Expr, LogicalPlan, lit};
use ember_functions::aes::AesFunction;
use ember_functions::cast::{CastMode, spark_cast};

use crate::error::Result;
use crate::plan::Planner;

impl Planner<'_> {
    /// Plans Spark's AES functions; `None` for other functions.
    pub(crate) fn plan_aes_function(
        &mut self,
        function: &str,
        args: &[Expr],
        names: &[String],
        _input: &LogicalPlan,
    ) -> Result<Option<(Expr, String)>> {
        const MODE: (&str, DataType) = ("GCM", DataType::Utf8);
        const PADDING: (&str, DataType) = ("DEFAULT", DataType::Utf8);
        const BYTES: (&str, DataType) = ("", DataType::Binary);
        // The optional parameters after the input and the key, with their defaults.
        let (aes, optional): (AesFunction, &[(&str, DataType)]) = match function {
            "aes_encrypt" => (AesFunction::Encrypt, &[MODE, PADDING, BYTES, BYTES]),
            "aes_decrypt" => (AesFunction::Decrypt, &[MODE, PADDING, BYTES]),
            "try_aes_decrypt" => (AesFunction::TryDecrypt, &[MODE, PADDING, BYTES]),
            _ => return Ok(None),
        };
        if !(2..=2 + optional.len()).contains(&args.len()) {
            return Ok(None);
        }
        let mut filled: Vec<Expr> = args[..2].iter().map(|a| spark_cast(a.clone(), DataType::Binary, CastMode::Legacy)).collect();
        let mut shown = names.to_vec();
        for (i, (default, target)) in optional.iter().enumerate() {
            let arg = match args.get(i + 2) {
                Some(arg) => arg.clone(),
                None => {
                    shown.push(default.to_string());
                    lit(*default)
                }
            };
            filled.push(spark_cast(arg, target.clone(), CastMode::Legacy));
        }
        let name = format!("{function}({})", shown.join(", "));
        Ok(Some((aes.call(filled), name)))
    }
}

//! Cutting a recogniser's output layer down to the classes decoding may choose.
//!
//! The PP-OCR recognisers end in a linear layer over every symbol of their dictionary (6,906
//! for the tiny one, 18,710 for the small one) and a softmax; for the Latin-script invoices we
//! read, decoding only ever chooses a few hundred of them, yet that layer is about a quarter
//! of the tiny recogniser's time. The verified model file is therefore edited in memory before
//! its session is built: the layer's weight and bias keep only the chosen classes' columns, and
//! the tensor shapes that carried the class count carry the new one. Nothing is written to
//! disk; the weights on disk stay the checksummed ones.
//!
//! The softmax then spreads its mass over the kept classes only. The dropped ones are scripts
//! that Latin print does not activate, so probabilities move little; the thresholds that use
//! them were measured with the cut layer.
//!
//! ONNX files are protocol buffers; the few messages on the path to the layer (model → graph
//! → initializer / value info → type → shape → dimension) are walked here at the wire level,
//! everything else is copied byte for byte.

use crate::MlError;

/// One field of a protobuf message: its number, wire type and value bytes (a varint as
/// encoded; a length-delimited payload without its length; fixed-width bytes as they are).
#[derive(Debug, Clone, Copy)]
struct Field<'a> {
    number: u64,
    wire: u8,
    value: &'a [u8],
}

fn read_varint(buf: &[u8], pos: &mut usize) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let b = *buf.get(*pos)?;
        *pos += 1;
        v |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

fn write_varint(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

/// The fields of a message, in order; `None` when the bytes are not a well-formed message.
fn parse(buf: &[u8]) -> Option<Vec<Field<'_>>> {
    let mut pos = 0;
    let mut out = Vec::new();
    while pos < buf.len() {
        let key = read_varint(buf, &mut pos)?;
        let (number, wire) = (key >> 3, (key & 7) as u8);
        let start = pos;
        let value = match wire {
            0 => {
                read_varint(buf, &mut pos)?;
                buf.get(start..pos)?
            }
            1 => {
                pos += 8;
                buf.get(start..pos)?
            }
            2 => {
                let len = usize::try_from(read_varint(buf, &mut pos)?).ok()?;
                let from = pos;
                pos = from.checked_add(len)?;
                buf.get(from..pos)?
            }
            5 => {
                pos += 4;
                buf.get(start..pos)?
            }
            _ => return None,
        };
        out.push(Field {
            number,
            wire,
            value,
        });
    }
    Some(out)
}

fn write_field(out: &mut Vec<u8>, number: u64, wire: u8, value: &[u8]) {
    write_varint(out, (number << 3) | u64::from(wire));
    if wire == 2 {
        write_varint(out, value.len() as u64);
    }
    out.extend_from_slice(value);
}

/// `msg` with each length-delimited field numbered `number` replaced by `edit` of it
/// (`None`: left as it is).
fn edit_fields(
    msg: &[u8],
    number: u64,
    mut edit: impl FnMut(&[u8]) -> Result<Option<Vec<u8>>, MlError>,
) -> Result<Vec<u8>, MlError> {
    let fields = parse(msg).ok_or_else(|| bad("a message is not well formed"))?;
    let mut out = Vec::with_capacity(msg.len());
    for f in fields {
        let edited = if f.number == number && f.wire == 2 {
            edit(f.value)?
        } else {
            None
        };
        write_field(
            &mut out,
            f.number,
            f.wire,
            edited.as_deref().unwrap_or(f.value),
        );
    }
    Ok(out)
}

fn bad(what: &str) -> MlError {
    MlError::BadModel(format!("cutting the recogniser's output layer: {what}"))
}

// Field numbers of onnx.proto3 on the path to the output layer.
const MODEL_GRAPH: u64 = 7;
const GRAPH_INITIALIZER: u64 = 5;
const GRAPH_INPUT: u64 = 11;
const GRAPH_OUTPUT: u64 = 12;
const GRAPH_VALUE_INFO: u64 = 13;
const TENSOR_DIMS: u64 = 1;
const TENSOR_DATA_TYPE: u64 = 2;
const TENSOR_RAW_DATA: u64 = 9;
const TENSOR_FLOAT: u64 = 1;
const VALUE_INFO_TYPE: u64 = 2;
const TYPE_TENSOR: u64 = 1;
const TENSOR_TYPE_SHAPE: u64 = 2;
const SHAPE_DIM: u64 = 1;
const DIM_VALUE: u64 = 1;

/// The model `onnx` with its output layer cut from `classes` classes to those in `keep`
/// (indices into the old classes, in the order the new ones take). Fails, leaving the caller
/// to use the model as it is, unless exactly one float weight `[hidden, classes]` and one
/// float bias `[classes]` are found.
pub fn cut(onnx: &[u8], classes: usize, keep: &[usize]) -> Result<Vec<u8>, MlError> {
    if keep.is_empty() || keep.iter().any(|&k| k >= classes) {
        return Err(bad("classes to keep out of range"));
    }
    let (mut weights, mut biases) = (0, 0);
    let out = edit_fields(onnx, MODEL_GRAPH, |graph| {
        let g = edit_fields(graph, GRAPH_INITIALIZER, |tensor| {
            let cut = cut_tensor(tensor, classes, keep)?;
            match &cut {
                Some((_, 2)) => weights += 1,
                Some((_, 1)) => biases += 1,
                _ => {}
            }
            Ok(cut.map(|(t, _)| t))
        })?;
        let mut g = g;
        for field in [GRAPH_INPUT, GRAPH_OUTPUT, GRAPH_VALUE_INFO] {
            g = edit_fields(&g, field, |vi| reshape_value_info(vi, classes, keep.len()))?;
        }
        Ok(Some(g))
    })?;
    if weights != 1 || biases != 1 {
        return Err(bad(&format!(
            "expected one weight and one bias over {classes} classes, found {weights} and {biases}"
        )));
    }
    Ok(out)
}

/// The class count the model declares for its output (the last dimension of its first graph
/// output), read from the bytes without building a session; `None` when it is not declared.
pub fn declared_classes(onnx: &[u8]) -> Option<usize> {
    let field = |msg: &[u8], number: u64| -> Option<Vec<u8>> {
        parse(msg)?
            .into_iter()
            .find(|f| f.number == number && f.wire == 2)
            .map(|f| f.value.to_vec())
    };
    let graph = field(onnx, MODEL_GRAPH)?;
    let output = field(&graph, GRAPH_OUTPUT)?;
    let shape = field(
        &field(&field(&output, VALUE_INFO_TYPE)?, TYPE_TENSOR)?,
        TENSOR_TYPE_SHAPE,
    )?;
    let dims = parse(&shape)?;
    let last = dims.iter().rev().find(|d| d.number == SHAPE_DIM)?;
    let value = parse(last.value)?
        .into_iter()
        .find(|f| f.number == DIM_VALUE && f.wire == 0)?;
    usize::try_from(read_varint(value.value, &mut 0)?).ok()
}

/// An initializer over the classes, cut: `Some((tensor, rank))` for a float `[h, classes]`
/// weight (rank 2) or `[classes]` bias (rank 1) stored as raw data; `None` for any other.
fn cut_tensor(
    tensor: &[u8],
    classes: usize,
    keep: &[usize],
) -> Result<Option<(Vec<u8>, usize)>, MlError> {
    let fields = parse(tensor).ok_or_else(|| bad("an initializer is not well formed"))?;
    let mut dims = Vec::new();
    let mut float = false;
    let mut raw: Option<&[u8]> = None;
    for f in &fields {
        match (f.number, f.wire) {
            (TENSOR_DIMS, 0) => dims.push(read_varint(f.value, &mut 0).unwrap_or(0)),
            (TENSOR_DIMS, 2) => {
                let mut pos = 0;
                while pos < f.value.len() {
                    dims.push(read_varint(f.value, &mut pos).ok_or_else(|| bad("dims"))?);
                }
            }
            (TENSOR_DATA_TYPE, 0) => float = read_varint(f.value, &mut 0) == Some(TENSOR_FLOAT),
            (TENSOR_RAW_DATA, 2) => raw = Some(f.value),
            _ => {}
        }
    }
    let c = classes as u64;
    let (rows, rank) = match dims.as_slice() {
        [h, last] if *last == c => (*h as usize, 2),
        [last] if *last == c => (1, 1),
        _ => return Ok(None),
    };
    let Some(raw) = raw.filter(|r| float && r.len() == rows * classes * 4) else {
        return Ok(None);
    };
    let mut data = Vec::with_capacity(rows * keep.len() * 4);
    for r in 0..rows {
        for &k in keep {
            let at = (r * classes + k) * 4;
            data.extend_from_slice(&raw[at..at + 4]);
        }
    }
    let mut new_dims = Vec::new();
    if rank == 2 {
        write_varint(&mut new_dims, rows as u64);
    }
    write_varint(&mut new_dims, keep.len() as u64);
    let mut out = Vec::with_capacity(data.len() + 64);
    let mut dims_written = false;
    for f in &fields {
        match f.number {
            TENSOR_DIMS if !dims_written => {
                write_field(&mut out, TENSOR_DIMS, 2, &new_dims);
                dims_written = true;
            }
            TENSOR_DIMS => {}
            TENSOR_RAW_DATA => write_field(&mut out, TENSOR_RAW_DATA, 2, &data),
            _ => write_field(&mut out, f.number, f.wire, f.value),
        }
    }
    Ok(Some((out, rank)))
}

/// A value's declared shape with a last dimension of `classes` given `kept` instead (`None`
/// when it has no such dimension).
fn reshape_value_info(vi: &[u8], classes: usize, kept: usize) -> Result<Option<Vec<u8>>, MlError> {
    let mut changed = false;
    let out = edit_fields(vi, VALUE_INFO_TYPE, |ty| {
        edit_fields(ty, TYPE_TENSOR, |tt| {
            edit_fields(tt, TENSOR_TYPE_SHAPE, |shape| {
                let dims = parse(shape).ok_or_else(|| bad("a shape is not well formed"))?;
                let Some(last) = dims.iter().rposition(|d| d.number == SHAPE_DIM) else {
                    return Ok(None);
                };
                let value = parse(dims[last].value)
                    .and_then(|d| d.into_iter().find(|f| f.number == DIM_VALUE && f.wire == 0))
                    .and_then(|f| read_varint(f.value, &mut 0));
                if value != Some(classes as u64) {
                    return Ok(None);
                }
                changed = true;
                let mut value = Vec::new();
                write_varint(&mut value, kept as u64);
                let mut dim = Vec::new();
                write_field(&mut dim, DIM_VALUE, 0, &value);
                let mut out = Vec::with_capacity(shape.len());
                for (i, d) in dims.iter().enumerate() {
                    let value = if i == last { dim.as_slice() } else { d.value };
                    write_field(&mut out, d.number, d.wire, value);
                }
                Ok(Some(out))
            })
            .map(Some)
        })
        .map(Some)
    })?;
    Ok(changed.then_some(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(fields: &[(u64, u8, Vec<u8>)]) -> Vec<u8> {
        let mut out = Vec::new();
        for (n, w, v) in fields {
            write_field(&mut out, *n, *w, v);
        }
        out
    }
    fn varint(v: u64) -> Vec<u8> {
        let mut out = Vec::new();
        write_varint(&mut out, v);
        out
    }
    fn floats(v: &[f32]) -> Vec<u8> {
        v.iter().flat_map(|f| f.to_le_bytes()).collect()
    }
    fn tensor(name: &str, dims: &[u64], data: &[f32]) -> Vec<u8> {
        let packed: Vec<u8> = dims.iter().flat_map(|&d| varint(d)).collect();
        msg(&[
            (TENSOR_DIMS, 2, packed),
            (TENSOR_DATA_TYPE, 0, varint(TENSOR_FLOAT)),
            (8, 2, name.as_bytes().to_vec()),
            (TENSOR_RAW_DATA, 2, floats(data)),
        ])
    }
    fn value_info(name: &str, dims: &[u64]) -> Vec<u8> {
        let shape: Vec<u8> = dims
            .iter()
            .flat_map(|&d| {
                let dim = msg(&[(DIM_VALUE, 0, varint(d))]);
                let mut f = Vec::new();
                write_field(&mut f, SHAPE_DIM, 2, &dim);
                f
            })
            .collect();
        let tt = msg(&[(1, 0, varint(1)), (TENSOR_TYPE_SHAPE, 2, shape)]);
        let ty = msg(&[(TYPE_TENSOR, 2, tt)]);
        msg(&[(1, 2, name.as_bytes().to_vec()), (VALUE_INFO_TYPE, 2, ty)])
    }

    /// Reads back the float data and dims of the initializer called `name`.
    fn initializer(model: &[u8], name: &str) -> (Vec<u64>, Vec<f32>) {
        let graph = parse(model)
            .unwrap()
            .into_iter()
            .find(|f| f.number == MODEL_GRAPH)
            .unwrap()
            .value;
        for f in parse(graph).unwrap() {
            if f.number != GRAPH_INITIALIZER {
                continue;
            }
            let t = parse(f.value).unwrap();
            if !t
                .iter()
                .any(|x| x.number == 8 && x.value == name.as_bytes())
            {
                continue;
            }
            let mut dims = Vec::new();
            let mut data = Vec::new();
            for x in t {
                if x.number == TENSOR_DIMS {
                    let mut pos = 0;
                    while pos < x.value.len() {
                        dims.push(read_varint(x.value, &mut pos).unwrap());
                    }
                }
                if x.number == TENSOR_RAW_DATA {
                    data = x
                        .value
                        .chunks_exact(4)
                        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                        .collect();
                }
            }
            return (dims, data);
        }
        panic!("no initializer {name}");
    }

    #[test]
    fn the_output_layer_keeps_only_the_chosen_classes_and_shapes_follow() {
        // hidden 2, classes 4: weight rows [0 1 2 3] and [10 11 12 13], bias [100..103].
        let graph = msg(&[
            (1, 2, b"node bytes stay as they are".to_vec()),
            (
                GRAPH_INITIALIZER,
                2,
                tensor("w", &[2, 4], &[0., 1., 2., 3., 10., 11., 12., 13.]),
            ),
            (
                GRAPH_INITIALIZER,
                2,
                tensor("b", &[4], &[100., 101., 102., 103.]),
            ),
            (GRAPH_INITIALIZER, 2, tensor("other", &[3], &[7., 8., 9.])),
            (GRAPH_OUTPUT, 2, value_info("probs", &[1, 25, 4])),
            (GRAPH_VALUE_INFO, 2, value_info("hidden", &[1, 25, 2])),
        ]);
        let model = msg(&[(1, 0, varint(8)), (MODEL_GRAPH, 2, graph)]);
        assert_eq!(declared_classes(&model), Some(4));
        let edited = cut(&model, 4, &[0, 3]).unwrap();
        assert_eq!(declared_classes(&edited), Some(2));
        assert_eq!(
            initializer(&edited, "w"),
            (vec![2, 2], vec![0., 3., 10., 13.])
        );
        assert_eq!(initializer(&edited, "b"), (vec![2], vec![100., 103.]));
        assert_eq!(initializer(&edited, "other"), (vec![3], vec![7., 8., 9.]));
        let graph = parse(&edited).unwrap()[1].value;
        let fields = parse(graph).unwrap();
        assert_eq!(fields[0].value, b"node bytes stay as they are");
        let out = fields
            .iter()
            .find(|f| f.number == GRAPH_OUTPUT)
            .unwrap()
            .value;
        assert_eq!(out, value_info("probs", &[1, 25, 2]).as_slice());
        let hidden = fields
            .iter()
            .find(|f| f.number == GRAPH_VALUE_INFO)
            .unwrap()
            .value;
        assert_eq!(hidden, value_info("hidden", &[1, 25, 2]).as_slice());
        // A model without such a layer is refused, not mangled.
        assert!(cut(&model, 5, &[0, 1]).is_err());
        assert!(cut(b"\xff\xff", 4, &[0]).is_err());
    }
}

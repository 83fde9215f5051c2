//! The request/answer frames exchanged with `worker.py` over its stdin and
//! stdout: big-endian `i32` lengths, a JSON header, the pickled commands and
//! Arrow IPC streams.

use std::io::{self, Read, Write};

use arrow::array::RecordBatch;
use arrow::datatypes::Schema;
use arrow::ipc::reader::StreamReader;
use arrow::ipc::writer::StreamWriter;

/// What a worker answered.
#[derive(Debug)]
pub(crate) enum Answer {
    /// One column per UDF, as many rows as the input (for map functions:
    /// the output columns).
    Batch(RecordBatch),
    /// The exception the user's code (or pyspark) raised, formatted as Spark does.
    PythonError(String),
}

/// The rows of one request input: a schema and its batches, sent as one
/// Arrow IPC stream.
pub(crate) type Input<'a> = (&'a Schema, &'a [RecordBatch]);

/// Writes one request: the header, each UDF's command, then each input as
/// an Arrow IPC stream (cogrouped functions read two; the header's
/// `inputs` says how many when it is not one).
pub(crate) fn write_request(
    out: &mut impl Write,
    header: &serde_json::Value,
    commands: &[&[u8]],
    inputs: &[Input],
) -> io::Result<()> {
    write_frame(out, header.to_string().as_bytes())?;
    for command in commands {
        write_frame(out, command)?;
    }
    for (schema, batches) in inputs {
        let mut ipc = Vec::new();
        {
            let mut writer = StreamWriter::try_new(&mut ipc, schema).map_err(io::Error::other)?;
            for batch in *batches {
                writer.write(batch).map_err(io::Error::other)?;
            }
            writer.finish().map_err(io::Error::other)?;
        }
        write_frame(out, &ipc)?;
    }
    out.flush()
}

/// Reads one answer.
pub(crate) fn read_answer(input: &mut impl Read) -> io::Result<Answer> {
    let status = read_i32(input)?;
    let length = usize::try_from(read_i32(input)?).map_err(|_| io::Error::other("negative frame length"))?;
    let mut data = vec![0; length];
    input.read_exact(&mut data)?;
    match status {
        0 => {
            let reader = StreamReader::try_new(io::Cursor::new(data), None).map_err(io::Error::other)?;
            let schema = reader.schema();
            let batches = reader.collect::<Result<Vec<_>, _>>().map_err(io::Error::other)?;
            let batch = arrow::compute::concat_batches(&schema, &batches).map_err(io::Error::other)?;
            Ok(Answer::Batch(batch))
        }
        1 => Ok(Answer::PythonError(String::from_utf8_lossy(&data).into_owned())),
        other => Err(io::Error::other(format!("unknown worker answer status {other}"))),
    }
}

/// Waits for the frame a new worker sends once it is ready: status 2 and
/// its Python version.
pub(crate) fn read_ready(input: &mut impl Read) -> io::Result<String> {
    let status = read_i32(input)?;
    let length = usize::try_from(read_i32(input)?).map_err(|_| io::Error::other("negative frame length"))?;
    let mut data = vec![0; length];
    input.read_exact(&mut data)?;
    if status != READY {
        return Err(io::Error::other(format!("expected the ready frame, got status {status}")));
    }
    Ok(String::from_utf8_lossy(&data).into_owned())
}

/// The status of the frame a worker sends when it has started.
const READY: i32 = 2;

fn write_frame(out: &mut impl Write, data: &[u8]) -> io::Result<()> {
    let length = i32::try_from(data.len()).map_err(|_| io::Error::other("frame larger than 2 GiB"))?;
    out.write_all(&length.to_be_bytes())?;
    out.write_all(data)
}

fn read_i32(input: &mut impl Read) -> io::Result<i32> {
    let mut bytes = [0; 4];
    input.read_exact(&mut bytes)?;
    Ok(i32::from_be_bytes(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{Int64Array, StringArray};
    use std::sync::Arc;

    fn frame(status: i32, data: &[u8]) -> Vec<u8> {
        let mut out = status.to_be_bytes().to_vec();
        out.extend((data.len() as i32).to_be_bytes());
        out.extend(data);
        out
    }

    #[test]
    fn a_request_is_header_commands_and_an_ipc_stream() {
        let batch = RecordBatch::try_from_iter([("a", Arc::new(Int64Array::from(vec![1, 2])) as _)]).unwrap();
        let mut out = Vec::new();
        write_request(&mut out, &serde_json::json!({"eval_type": 101}), &[b"cmd"], &[(&batch.schema(), &[batch.clone()])]).unwrap();
        let header = br#"{"eval_type":101}"#;
        assert_eq!(&out[..4], &(header.len() as i32).to_be_bytes());
        assert_eq!(&out[4..4 + header.len()], header);
        let rest = &out[4 + header.len()..];
        assert_eq!(&rest[..7], &[0, 0, 0, 3, b'c', b'm', b'd']);
        let reader = StreamReader::try_new(io::Cursor::new(rest[11..].to_vec()), None).unwrap();
        let read: Vec<_> = reader.collect::<Result<_, _>>().unwrap();
        assert_eq!(read, vec![batch]);
    }

    #[test]
    fn answers_are_a_batch_or_a_traceback() {
        let batch = RecordBatch::try_from_iter([("_0", Arc::new(StringArray::from(vec!["x"])) as _)]).unwrap();
        let mut ipc = Vec::new();
        let mut writer = StreamWriter::try_new(&mut ipc, &batch.schema()).unwrap();
        writer.write(&batch).unwrap();
        writer.finish().unwrap();
        drop(writer);
        match read_answer(&mut io::Cursor::new(frame(0, &ipc))).unwrap() {
            Answer::Batch(read) => assert_eq!(read, batch),
            other => panic!("{other:?}"),
        }
        match read_answer(&mut io::Cursor::new(frame(1, b"Traceback ..."))).unwrap() {
            Answer::PythonError(text) => assert_eq!(text, "Traceback ..."),
            other => panic!("{other:?}"),
        }
        assert!(read_answer(&mut io::Cursor::new(frame(0, b"")[..6].to_vec())).is_err());
    }

    #[test]
    fn a_new_worker_announces_its_python_version() {
        assert_eq!(read_ready(&mut io::Cursor::new(frame(READY, b"3.11"))).unwrap(), "3.11");
        assert!(read_ready(&mut io::Cursor::new(frame(1, b"Traceback"))).is_err());
        assert!(read_ready(&mut io::Cursor::new(Vec::new())).is_err());
    }
}

import Curl
import Monitoring

/// What a transfer sequence wants after one of its transfers has finished.
enum SequenceStep {
    /// Start another transfer after `after`; the probe stays in flight meanwhile.
    case next(after: Duration)
    /// The run is over with this result.
    case done(Observation)
}

/// A curl-run probe whose one run is a sequence of transfers (submit, then poll, then clean up). The engine
/// owns the easy handle and the timing: it applies the probe's common options, asks the sequence to configure
/// each transfer, runs it on the multi handle, and reports back. Lives on the loop thread only.
protocol TransferSequence: AnyObject {
    /// Configures the next transfer on a freshly reset handle that already has the probe's common options.
    func configureNext(_ easy: CurlEasy) throws(CurlSetupError)
    /// The transfer configured last has ended; `now` is monotonic nanoseconds.
    func finished(_ easy: CurlEasy, error: CurlError?, now: Int64) -> SequenceStep
}

/// Which probe kinds run as transfer sequences, and how to make one for a run.
enum TransferSequences {
    /// A sequence for one run of `probe` started at `startedAt` (wall) and `startedMono` (monotonic),
    /// or nil for kinds that are a single transfer.
    static func make(for probe: ProbeDefinition, startedAt: Timestamp, startedMono: Int64) -> (any TransferSequence)? {
        switch probe.check {
        case .emailRoundtrip(let check):
            EmailRoundtripRun(probe: probe, check: check, startedAt: startedAt, startedMono: startedMono)
        default: nil
        }
    }
}

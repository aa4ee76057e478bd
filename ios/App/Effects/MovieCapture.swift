// Apple-only (AVFoundation, UIKit). Compiled by Xcode, never on Linux.
import AVFoundation
import UIKit
import WaymarkKit

/// Video: an AVCaptureMovieFileOutput recording into the file WaymarkKit chose in the protected
/// capture folder (`MovieRequest.file`), with sound only if the app model says so, stopping at the
/// app model's duration and size limits. It only records: WaymarkKit's MovieStreamer streams the
/// file into the vault and deletes it, whatever happened. Nothing goes to the Photos library.
final class MovieCapture: MovieRecorder {
    func record(_ request: MovieRequest, done: @escaping (Bool) -> Void) {
        guard let top = Presenter.top() else { return done(false) }
        let controller = MovieViewController(request: request, done: done)
        controller.modalPresentationStyle = .fullScreen
        top.present(controller, animated: true)
    }
}

private final class MovieViewController: UIViewController, AVCaptureFileOutputRecordingDelegate {
    private let request: MovieRequest
    private let done: (Bool) -> Void
    private let session = AVCaptureSession()
    private let output = AVCaptureMovieFileOutput()
    private let queue = DispatchQueue(label: "org.waymark.movie")
    private let record = UIButton(type: .system)
    private var cancelling = false
    private var reported = false

    init(request: MovieRequest, done: @escaping (Bool) -> Void) {
        self.request = request
        self.done = done
        super.init(nibName: nil, bundle: nil)
    }

    required init?(coder: NSCoder) { nil }

    override func viewDidLoad() {
        super.viewDidLoad()
        view.backgroundColor = .black
        let preview = AVCaptureVideoPreviewLayer(session: session)
        preview.videoGravity = .resizeAspectFill
        preview.frame = view.bounds
        view.layer.addSublayer(preview)

        record.setImage(UIImage(systemName: "record.circle",
                                withConfiguration: UIImage.SymbolConfiguration(pointSize: 64)), for: .normal)
        record.tintColor = .systemRed
        record.addTarget(self, action: #selector(toggle), for: .touchUpInside)
        let close = UIButton(type: .system)
        close.setImage(UIImage(systemName: "xmark", withConfiguration: UIImage.SymbolConfiguration(pointSize: 24)), for: .normal)
        close.tintColor = .white
        close.addTarget(self, action: #selector(cancel), for: .touchUpInside)
        for button in [record, close] {
            button.translatesAutoresizingMaskIntoConstraints = false
            view.addSubview(button)
        }
        NSLayoutConstraint.activate([
            record.centerXAnchor.constraint(equalTo: view.centerXAnchor),
            record.bottomAnchor.constraint(equalTo: view.safeAreaLayoutGuide.bottomAnchor, constant: -24),
            close.leadingAnchor.constraint(equalTo: view.safeAreaLayoutGuide.leadingAnchor, constant: 16),
            close.topAnchor.constraint(equalTo: view.safeAreaLayoutGuide.topAnchor, constant: 16),
        ])

        queue.async { [self] in
            session.beginConfiguration()
            session.sessionPreset = .high
            guard let camera = AVCaptureDevice.default(for: .video),
                  let input = try? AVCaptureDeviceInput(device: camera),
                  session.canAddInput(input), session.canAddOutput(output) else {
                session.commitConfiguration()
                return DispatchQueue.main.async { self.finish(recorded: false) }
            }
            session.addInput(input)
            if request.sound, let mic = AVCaptureDevice.default(for: .audio),
               let audio = try? AVCaptureDeviceInput(device: mic), session.canAddInput(audio) {
                session.addInput(audio)
            }
            session.addOutput(output)
            if let seconds = request.maxSeconds {
                output.maxRecordedDuration = CMTime(seconds: Double(seconds), preferredTimescale: 1)
            }
            output.maxRecordedFileSize = Int64(clamping: request.maxBytes)
            // Fragments every few seconds: a recording cut short (the phone locks, a call comes
            // in) still leaves a playable file to keep.
            output.movieFragmentInterval = CMTime(seconds: 5, preferredTimescale: 1)
            session.commitConfiguration()
            session.startRunning()
        }
    }

    @objc private func toggle() {
        if output.isRecording {
            output.stopRecording()
        } else {
            // The screen must not lock and cut a long recording short.
            UIApplication.shared.isIdleTimerDisabled = true
            record.tintColor = .white
            output.startRecording(to: request.file, recordingDelegate: self)
        }
    }

    @objc private func cancel() {
        cancelling = true
        // A recording under way ends first (its file closed), then it is reported as cancelled.
        if output.isRecording { output.stopRecording() } else { finish(recorded: false) }
    }

    func fileOutput(_ output: AVCaptureFileOutput, didFinishRecordingTo outputFileURL: URL,
                    from connections: [AVCaptureConnection], error: Error?) {
        // Reaching a limit ends the recording with an "error" that says it finished well.
        let finished = (error as NSError?)?.userInfo[AVErrorRecordingSuccessfullyFinishedKey] as? Bool
        let ok = error == nil || finished == true
        DispatchQueue.main.async { self.finish(recorded: ok && !self.cancelling) }
    }

    /// Reports once; the file is WaymarkKit's to stream in or delete from here on.
    private func finish(recorded: Bool) {
        guard !reported else { return }
        reported = true
        UIApplication.shared.isIdleTimerDisabled = false
        queue.async { self.session.stopRunning() }
        dismiss(animated: true)
        done(recorded)
    }
}

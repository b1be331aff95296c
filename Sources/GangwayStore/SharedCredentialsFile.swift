import Foundation
import GangwayCore

/// The AWS shared-credentials file (`~/.aws/credentials` format) holding one profile.
enum SharedCredentialsFile {
    static func render(profile: String, accessKeyID: String, secretAccessKey: Secret) -> String {
        """
        [\(profile)]
        aws_access_key_id = \(accessKeyID)
        aws_secret_access_key = \(secretAccessKey.reveal())

        """
    }

    /// Writes the file with mode 0600 from its creation on, replacing any earlier one whole.
    static func write(
        to url: URL, profile: String, accessKeyID: String, secretAccessKey: Secret
    ) throws(StoreSetupError) {
        let text = render(profile: profile, accessKeyID: accessKeyID, secretAccessKey: secretAccessKey)
        do {
            try POSIXFile.replace(url, contents: Array(text.utf8), mode: 0o600)
        } catch {
            throw StoreSetupError("Cannot write the credentials file: \(error)")
        }
    }
}

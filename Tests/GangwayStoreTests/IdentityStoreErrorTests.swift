import Testing

@testable import GangwayStore

@Suite("Store errors")
struct IdentityStoreErrorTests {
    @Test(arguments: [
        (IdentityStoreError.Code.noSuchEntity, "NoSuchEntity", 404),
        (.entityAlreadyExists, "EntityAlreadyExists", 409),
        (.limitExceeded, "LimitExceeded", 409),
        (.deleteConflict, "DeleteConflict", 409),
        (.invalidInput, "InvalidInput", 400),
        (.serviceFailure, "ServiceFailure", 500),
    ])
    func codesMapToIAM(code: IdentityStoreError.Code, awsCode: String, status: Int) {
        #expect(code.awsCode == awsCode)
        #expect(code.httpStatus == status)
        #expect("\(IdentityStoreError(code, "m"))" == "\(awsCode): m")
    }
}

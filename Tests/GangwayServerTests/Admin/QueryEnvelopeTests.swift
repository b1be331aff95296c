import GangwayServer
import Testing

/// Whole responses, byte for byte, for one action of each shape.
struct QueryEnvelopeTests {
    static let alice = SequentialIDGenerator.userID(2)

    @Test func createUserAnswersWithTheUser() async throws {
        let fixture = try await AdminFixture()
        let response = await fixture.call("CreateUser", ["UserName": "alice"])
        #expect(response.status == 200)
        #expect(response.contentType == "text/xml")
        #expect(
            response.body
                == #"<CreateUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><CreateUserResult><User>"#
                + "<Path>/</Path><UserName>alice</UserName><UserId>\(Self.alice)</UserId>"
                + "<Arn>arn:aws:iam::123456789012:user/alice</Arn><CreateDate>2026-11-24T22:00:00Z</CreateDate>"
                + "</User></CreateUserResult><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata>"
                + "</CreateUserResponse>")
    }

    @Test func deleteUserHasNoResultElement() async throws {
        let fixture = try await AdminFixture()
        _ = try await fixture.store.createUser(name: "alice")
        let response = await fixture.call("DeleteUser", ["UserName": "alice"])
        #expect(response.status == 200)
        #expect(
            response.body
                == #"<DeleteUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">"#
                + "<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></DeleteUserResponse>")
    }

    @Test func createAccessKeyReturnsTheSecretOnce() async throws {
        let fixture = try await AdminFixture()
        _ = try await fixture.store.createUser(name: "alice")
        let response = await fixture.call("CreateAccessKey", ["UserName": "alice"])
        #expect(
            response.body
                == #"<CreateAccessKeyResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><CreateAccessKeyResult>"#
                + "<AccessKey><UserName>alice</UserName><AccessKeyId>\(SequentialIDGenerator.accessKeyID(2))</AccessKeyId>"
                + "<Status>Active</Status><SecretAccessKey>\(SequentialIDGenerator.secret(2))</SecretAccessKey>"
                + "<CreateDate>2026-11-24T22:00:00Z</CreateDate></AccessKey></CreateAccessKeyResult>"
                + "<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></CreateAccessKeyResponse>")
    }

    @Test func getCallerIdentityUsesTheSTSNamespace() async throws {
        let fixture = try await AdminFixture()
        let response = await fixture.call("GetCallerIdentity", version: "2011-06-15")
        #expect(response.status == 200)
        #expect(
            response.body
                == #"<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>"#
                + "<Arn>arn:aws:iam::123456789012:user/admin</Arn><UserId>\(SequentialIDGenerator.userID(1))</UserId>"
                + "<Account>123456789012</Account></GetCallerIdentityResult>"
                + "<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></GetCallerIdentityResponse>")
    }

    @Test func errorsUseErrorResponse() async throws {
        let fixture = try await AdminFixture()
        let response = await fixture.call("GetUser", ["UserName": "bob"])
        #expect(response.status == 404)
        #expect(
            response.body
                == #"<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type>"#
                + "<Code>NoSuchEntity</Code><Message>The user with name bob cannot be found.</Message></Error>"
                + "<RequestId>req-1</RequestId></ErrorResponse>")
    }

    @Test func errorResponseForFailuresBeforeDispatch() {
        let response = QueryAPI.errorResponse(
            service: .sts, status: 403, type: "Sender", code: "SignatureDoesNotMatch",
            message: "The request signature we calculated does not match the signature you provided.", requestID: "r-9")
        #expect(response.status == 403)
        #expect(response.contentType == "text/xml")
        #expect(
            response.body
                == #"<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>"#
                + "<Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the "
                + "signature you provided.</Message></Error><RequestId>r-9</RequestId></ErrorResponse>")
    }

    @Test func errorResponseEscapesWhatItQuotes() throws {
        let response = QueryAPI.errorResponse(
            service: .iam, status: 500, type: "Receiver", code: "ServiceFailure", message: #"a<b & "c" 'd'>"#,
            requestID: "r")
        #expect(response.body.contains("<Message>a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;</Message>"))
        #expect(response.body.contains("<Type>Receiver</Type>"))
        #expect(try ParsedXML(response.body).value("Error", "Message") == #"a<b & "c" 'd'>"#)
    }

    /// A value quoted back in a validation message, with XML specials and a control character.
    @Test func quotedValuesAreEscaped() async throws {
        let fixture = try await AdminFixture()
        let response = await fixture.call("CreateUser", ["UserName": "a<b>&\u{1}\r"])
        #expect(response.status == 400)
        let xml = try ParsedXML(response.body)
        #expect(xml.attributes["xmlns"] == "https://iam.amazonaws.com/doc/2010-05-08/")
        #expect(
            xml.value("Error", "Message")
                == "1 validation error detected: Value 'a<b>&\u{FFFD}\r' at 'userName' failed to satisfy constraint: "
                + #"Member must satisfy regular expression pattern: [\w+=,.@-]+"#)
    }
}

import GangwayServer
import GangwayStore
import Testing

struct IAMAccessKeyActionTests {
    @Test func createAccessKeyWithoutANameIsForTheCaller() async throws {
        let fixture = try await AdminFixture()
        let xml = try await fixture.succeed("CreateAccessKey")
        #expect(xml.value("CreateAccessKeyResult", "AccessKey", "UserName") == "admin")
        #expect(xml.value("CreateAccessKeyResult", "AccessKey", "AccessKeyId") == SequentialIDGenerator.accessKeyID(2))
        #expect(xml.value("CreateAccessKeyResult", "AccessKey", "SecretAccessKey") == SequentialIDGenerator.secret(2))
        #expect(try await fixture.store.listAccessKeys(userName: "admin").count == 2)
    }

    @Test func aThirdKeyExceedsTheQuota() async throws {
        let fixture = try await AdminFixture()
        _ = try await fixture.succeed("CreateAccessKey", ["UserName": "admin"])
        let response = await fixture.call("CreateAccessKey", ["UserName": "admin"])
        #expect(response.status == 409)
        let xml = try ParsedXML(response.body)
        #expect(xml.value("Error", "Code") == "LimitExceeded")
        #expect(xml.value("Error", "Message") == "Cannot exceed quota for AccessKeysPerUser: 2")
    }

    @Test func createAccessKeyForNobody() async throws {
        let fixture = try await AdminFixture()
        let response = await fixture.call("CreateAccessKey", ["UserName": "ghost"])
        #expect(response.status == 404)
        #expect(try ParsedXML(response.body).value("Error", "Code") == "NoSuchEntity")
    }

    @Test func listAccessKeysOldestFirstAndInPages() async throws {
        let fixture = try await AdminFixture()
        _ = try await fixture.store.createUser(name: "bob")
        _ = try await fixture.store.createAccessKey(userName: "bob")
        _ = try await fixture.store.createAccessKey(userName: "bob")

        let all = try await fixture.succeed("ListAccessKeys", ["UserName": "bob"])
        let keys = all.members("ListAccessKeysResult", "AccessKeyMetadata")
        #expect(keys.map { $0.value("AccessKeyId") } == [SequentialIDGenerator.accessKeyID(2), SequentialIDGenerator.accessKeyID(3)])
        #expect(keys.map { $0.value("UserName") } == ["bob", "bob"])
        #expect(keys.map { $0.value("Status") } == ["Active", "Active"])
        #expect(keys.map { $0.value("CreateDate") } == ["2026-11-24T22:00:00Z", "2026-11-24T22:00:00Z"])
        #expect(keys.allSatisfy { $0["SecretAccessKey"] == nil })
        #expect(all.value("ListAccessKeysResult", "IsTruncated") == "false")

        let first = try await fixture.succeed("ListAccessKeys", ["UserName": "bob", "MaxItems": "1"])
        #expect(first.members("ListAccessKeysResult", "AccessKeyMetadata").map { $0.value("AccessKeyId") } == [SequentialIDGenerator.accessKeyID(2)])
        #expect(first.value("ListAccessKeysResult", "IsTruncated") == "true")
        let marker = try #require(first.value("ListAccessKeysResult", "Marker"))
        let second = try await fixture.succeed("ListAccessKeys", ["UserName": "bob", "MaxItems": "1", "Marker": marker])
        #expect(second.members("ListAccessKeysResult", "AccessKeyMetadata").map { $0.value("AccessKeyId") } == [SequentialIDGenerator.accessKeyID(3)])
        #expect(second.value("ListAccessKeysResult", "IsTruncated") == "false")
    }

    @Test func listAccessKeysWithoutANameListsTheCallers() async throws {
        let fixture = try await AdminFixture()
        let xml = try await fixture.succeed("ListAccessKeys")
        #expect(xml.members("ListAccessKeysResult", "AccessKeyMetadata").map { $0.value("AccessKeyId") } == [fixture.admin.accessKeyID])
    }

    @Test(arguments: AccessKeyStatus.allCases)
    func updateAccessKeySetsTheStatus(_ status: AccessKeyStatus) async throws {
        let fixture = try await AdminFixture()
        _ = try await fixture.store.createUser(name: "bob")
        let key = try await fixture.store.createAccessKey(userName: "bob")
        try await fixture.store.updateAccessKey(
            userName: "bob", accessKeyID: key.metadata.accessKeyID, status: status == .active ? .inactive : .active)
        _ = try await fixture.succeed(
            "UpdateAccessKey", ["UserName": "bob", "AccessKeyId": key.metadata.accessKeyID, "Status": status.rawValue])
        #expect(try await fixture.store.listAccessKeys(userName: "bob").map(\.status) == [status])
    }

    @Test func keysOfAnotherUserAreNotFound() async throws {
        let fixture = try await AdminFixture()
        _ = try await fixture.store.createUser(name: "bob")
        for action in ["UpdateAccessKey", "DeleteAccessKey"] {
            let response = await fixture.call(
                action, ["UserName": "bob", "AccessKeyId": fixture.admin.accessKeyID, "Status": "Inactive"])
            #expect(response.status == 404)
            let xml = try ParsedXML(response.body)
            #expect(xml.value("Error", "Code") == "NoSuchEntity")
            #expect(xml.value("Error", "Message") == "The Access Key with id \(fixture.admin.accessKeyID) cannot be found.")
        }
        #expect(try await fixture.store.listAccessKeys(userName: "admin").map(\.status) == [.active])
    }

    @Test func deleteAccessKeyWithoutANameDeletesTheCallersKey() async throws {
        let fixture = try await AdminFixture()
        _ = try await fixture.succeed("DeleteAccessKey", ["AccessKeyId": fixture.admin.accessKeyID])
        #expect(try await fixture.store.listAccessKeys(userName: "admin").isEmpty)
        #expect(await fixture.call("DeleteAccessKey", ["AccessKeyId": fixture.admin.accessKeyID]).status == 404)
    }
}

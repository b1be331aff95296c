import GangwayServer
import GangwayStore
import Testing

struct IAMUserActionTests {
    @Test func createUserWithAPath() async throws {
        let fixture = try await AdminFixture()
        let xml = try await fixture.succeed("CreateUser", ["UserName": "bob", "Path": "/division/team/"])
        let user = try #require(xml["CreateUserResult", "User"])
        #expect(user.value("Path") == "/division/team/")
        #expect(user.value("Arn") == "arn:aws:iam::123456789012:user/division/team/bob")
        #expect(try await fixture.store.getUser(name: "bob").path == "/division/team/")
    }

    @Test func createUserRefusesATakenName() async throws {
        let fixture = try await AdminFixture()
        _ = try await fixture.store.createUser(name: "alice")
        let response = await fixture.call("CreateUser", ["UserName": "ALICE"])
        #expect(response.status == 409)
        let xml = try ParsedXML(response.body)
        #expect(xml.value("Error", "Code") == "EntityAlreadyExists")
        #expect(xml.value("Error", "Message") == "User with name ALICE already exists.")
    }

    /// Ignoring these would store a user that is not what was asked for; a boundary that was
    /// dropped would even grant more than meant.
    @Test(arguments: [
        (["PermissionsBoundary": "arn:aws:iam::123456789012:policy/boundary"], "PermissionsBoundary"),
        (["Tags.member.1.Key": "team", "Tags.member.1.Value": "ml"], "Tags"),
    ])
    func createUserRefusesWhatItCannotHonour(_ extra: [String: String], _ parameter: String) async throws {
        let fixture = try await AdminFixture()
        let response = await fixture.call("CreateUser", extra.merging(["UserName": "carol"]) { $1 })
        #expect(response.status == 400)
        let xml = try ParsedXML(response.body)
        #expect(xml.value("Error", "Code") == "InvalidInput")
        #expect(xml.value("Error", "Message") == "The parameter \(parameter) is not supported by Gangway.")
        await #expect(throws: IdentityStoreError.self) { try await fixture.store.getUser(name: "carol") }
    }

    @Test func getUserByNameIgnoresCase() async throws {
        let fixture = try await AdminFixture()
        _ = try await fixture.store.createUser(name: "Alice", path: "/ops/")
        let xml = try await fixture.succeed("GetUser", ["UserName": "alice"])
        #expect(xml.value("GetUserResult", "User", "UserName") == "Alice")
        #expect(xml.value("GetUserResult", "User", "UserId") == SequentialIDGenerator.userID(2))
        #expect(xml.value("GetUserResult", "User", "Arn") == "arn:aws:iam::123456789012:user/ops/Alice")
        #expect(xml.value("GetUserResult", "User", "CreateDate") == "2026-11-24T22:00:00Z")
    }

    @Test func getUserWithoutANameDescribesTheCaller() async throws {
        let fixture = try await AdminFixture()
        let xml = try await fixture.succeed("GetUser")
        #expect(xml.value("GetUserResult", "User", "UserName") == "admin")
        #expect(xml.value("GetUserResult", "User", "Arn") == fixture.admin.arn)
    }

    @Test func listUsersFiltersByPathPrefix() async throws {
        let fixture = try await AdminFixture()
        _ = try await fixture.store.createUser(name: "bob", path: "/eng/")
        _ = try await fixture.store.createUser(name: "carol", path: "/eng/ml/")
        _ = try await fixture.store.createUser(name: "dave", path: "/sales/")
        let all = try await fixture.succeed("ListUsers")
        #expect(all.members("ListUsersResult", "Users").map { $0.value("UserName") } == ["admin", "bob", "carol", "dave"])
        #expect(all.value("ListUsersResult", "IsTruncated") == "false")
        #expect(all["ListUsersResult", "Marker"] == nil)
        let eng = try await fixture.succeed("ListUsers", ["PathPrefix": "/eng/"])
        let members = eng.members("ListUsersResult", "Users")
        #expect(members.map { $0.value("UserName") } == ["bob", "carol"])
        #expect(members.map { $0.value("Path") } == ["/eng/", "/eng/ml/"])
        #expect(members.map { $0.value("Arn") } == ["arn:aws:iam::123456789012:user/eng/bob", "arn:aws:iam::123456789012:user/eng/ml/carol"])
    }

    @Test(arguments: [1, 2, 3, 7])
    func listUsersPagesThroughEveryone(_ pageSize: Int) async throws {
        let fixture = try await AdminFixture()
        let names = ["Erin", "bob", "dave", "carol", "frank", "Gina"]
        for name in names {
            _ = try await fixture.store.createUser(name: name)
        }
        var seen: [String] = []
        var marker: String?
        var pages = 0
        repeat {
            var parameters = ["MaxItems": String(pageSize)]
            parameters["Marker"] = marker
            let xml = try await fixture.succeed("ListUsers", parameters)
            let page = xml.members("ListUsersResult", "Users").compactMap { $0.value("UserName") }
            #expect(page.count <= pageSize)
            seen += page
            marker = xml.value("ListUsersResult", "Marker")
            #expect(xml.value("ListUsersResult", "IsTruncated") == (marker == nil ? "false" : "true"))
            pages += 1
        } while marker != nil && pages < 20
        #expect(seen == ["admin", "bob", "carol", "dave", "Erin", "frank", "Gina"])
        #expect(pages == (7 + pageSize - 1) / pageSize)
    }

    @Test func paginationSurvivesDeletingTheNextUser() async throws {
        let fixture = try await AdminFixture()
        for name in ["bob", "carol", "dave"] {
            _ = try await fixture.store.createUser(name: name)
        }
        let first = try await fixture.succeed("ListUsers", ["MaxItems": "2"])
        #expect(first.members("ListUsersResult", "Users").map { $0.value("UserName") } == ["admin", "bob"])
        let marker = try #require(first.value("ListUsersResult", "Marker"))
        try await fixture.store.deleteUser(name: "carol")
        let second = try await fixture.succeed("ListUsers", ["MaxItems": "2", "Marker": marker])
        #expect(second.members("ListUsersResult", "Users").map { $0.value("UserName") } == ["dave"])
        #expect(second.value("ListUsersResult", "IsTruncated") == "false")
    }

    @Test func listUsersRefusesAMarkerItNeverGave() async throws {
        let fixture = try await AdminFixture()
        let response = await fixture.call("ListUsers", ["Marker": "not base64!"])
        #expect(response.status == 400)
        #expect(try ParsedXML(response.body).value("Error", "Code") == "InvalidInput")
    }

    @Test func deleteUserNeedsItsKeysAndPoliciesGoneFirst() async throws {
        let fixture = try await AdminFixture()
        _ = try await fixture.store.createUser(name: "bob")
        let key = try await fixture.store.createAccessKey(userName: "bob")
        try await fixture.store.putUserPolicy(userName: "bob", policyName: "p", document: "{}")

        var response = await fixture.call("DeleteUser", ["UserName": "bob"])
        #expect(response.status == 409)
        var xml = try ParsedXML(response.body)
        #expect(xml.value("Error", "Code") == "DeleteConflict")
        #expect(xml.value("Error", "Message") == "Cannot delete entity, must delete access keys first.")

        try await fixture.store.deleteAccessKey(userName: "bob", accessKeyID: key.metadata.accessKeyID)
        response = await fixture.call("DeleteUser", ["UserName": "bob"])
        xml = try ParsedXML(response.body)
        #expect(response.status == 409)
        #expect(xml.value("Error", "Message") == "Cannot delete entity, must delete policies first.")

        try await fixture.store.deleteUserPolicy(userName: "bob", policyName: "p")
        #expect(await fixture.call("DeleteUser", ["UserName": "bob"]).status == 200)
        #expect(await fixture.call("GetUser", ["UserName": "bob"]).status == 404)
        #expect(await fixture.call("DeleteUser", ["UserName": "bob"]).status == 404)
    }
}

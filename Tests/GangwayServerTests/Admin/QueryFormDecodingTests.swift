import GangwayServer
import Testing

struct QueryFormDecodingTests {
    static let decodable: [(body: String, form: [String: String])] = [
        ("Action=CreateUser&Version=2010-05-08&UserName=alice", ["Action": "CreateUser", "Version": "2010-05-08", "UserName": "alice"]),
        ("UserName=a+b", ["UserName": "a b"]),
        ("UserName=a%20b", ["UserName": "a b"]),
        ("UserName=a%2Bb", ["UserName": "a+b"]),
        ("UserName=first&UserName=second", ["UserName": "first"]),
        ("A=1&&B=2&", ["A": "1", "B": "2"]),
        ("Flag", ["Flag": ""]),
        ("Flag=", ["Flag": ""]),
        ("Pair=a=b", ["Pair": "a=b"]),
        ("%41ction=X", ["Action": "X"]),
        ("Doc=%7B%22a%22%3A%201%7D", ["Doc": #"{"a": 1}"#]),
        ("Name=caf%C3%A9", ["Name": "café"]),
        ("Name=%e2%82%ac", ["Name": "€"]),
        ("Name=%26%3D%25", ["Name": "&=%"]),
        ("", [:]),
    ]

    @Test(arguments: decodable)
    func decodes(_ body: String, _ form: [String: String]) {
        #expect(QueryAPI.decodeForm(Array(body.utf8)) == form)
    }

    static let malformed = [
        "Name=%", "Name=%4", "Name=%zz", "Name=%G1", "Na%2=x", "Name=abc%2",
        // Bytes that are not UTF-8 once decoded.
        "Name=%FF", "Name=%C3", "Name=%C3%28",
    ]

    @Test(arguments: malformed)
    func refusesMalformedEscapesAndUTF8(_ body: String) {
        #expect(QueryAPI.decodeForm(Array(body.utf8)) == nil)
    }

    @Test func refusesRawBytesThatAreNotUTF8() {
        #expect(QueryAPI.decodeForm(Array("Name=".utf8) + [0xC3, 0x28]) == nil)
    }

    @Test(arguments: [
        (["Version": "2010-05-08"], QueryService?.some(.iam)),
        (["Version": "2011-06-15"], .sts),
        (["Version": "2012-01-01"], nil),
        ([:], nil),
    ])
    func serviceComesFromVersion(_ form: [String: String], _ service: QueryService?) {
        #expect(QueryService(form: form) == service)
    }
}

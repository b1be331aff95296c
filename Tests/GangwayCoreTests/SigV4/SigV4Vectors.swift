// GENERATED FILE: do not edit by hand.
// Made by Tests/vectors/generate_sigv4_vectors.py with botocore 1.44.8 and sagemaker-core's generate_token, clock frozen.
// Regenerate with: python3 Tests/vectors/generate_sigv4_vectors.py (see the script's header).
// The credentials are AWS documentation examples, not real keys.

enum SigV4Vectors {
    static let headerSigned: [HeaderSigningVector] = [
        HeaderSigningVector(
            name: "POST JSON invocations",
            service: "sagemaker", region: "us-east-1",
            accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            sessionToken: nil,
            now: 1714979289.0,
            method: "POST", rawPath: "/endpoints/my-endpoint/invocations",
            rawQuery: "",
            body: "{\"inputs\":\"hello\"}",
            signerInput: [("Host", "gangway.test"), ("Content-Type", "application/json")],
            wireHeaders: [("Host", "gangway.test"), ("Content-Type", "application/json"), ("X-Amz-Date", "20240506T070809Z"), ("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240506/us-east-1/sagemaker/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=087414f7e45604278c5ba441a62d8959088a3da898b329dc4b63b4f4301dae03")],
            authorization: "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240506/us-east-1/sagemaker/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=087414f7e45604278c5ba441a62d8959088a3da898b329dc4b63b4f4301dae03",
            canonicalRequest: "POST\n/endpoints/my-endpoint/invocations\n\ncontent-type:application/json\nhost:gangway.test\nx-amz-date:20240506T070809Z\n\ncontent-type;host;x-amz-date\nf501139a249d6c50826fb24ea29220a9e1c84e491842c0301984046984fb6155"
        ),
        HeaderSigningVector(
            name: "POST chat completions with component header",
            service: "sagemaker", region: "us-east-1",
            accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            sessionToken: nil,
            now: 1767225599.987654,
            method: "POST", rawPath: "/endpoints/shared/inference-components/general/openai/v1/chat/completions",
            rawQuery: "",
            body: "{\"model\":\"\",\"messages\":[{\"role\":\"user\",\"content\":\"caf\u{e9} \u{2615}\"}],\"stream\":true}",
            signerInput: [("Host", "gangway.test"), ("Content-Type", "application/json"), ("X-Amzn-SageMaker-Inference-Component", "general"), ("User-Agent", "test/1.0")],
            wireHeaders: [("Host", "gangway.test"), ("Content-Type", "application/json"), ("X-Amzn-SageMaker-Inference-Component", "general"), ("User-Agent", "test/1.0"), ("X-Amz-Date", "20251231T235959Z"), ("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20251231/us-east-1/sagemaker/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amzn-sagemaker-inference-component, Signature=f67bb154727c3ed6516ccc4a08ddfb610101b37f54a43b9be364a2c26e2124e5")],
            authorization: "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20251231/us-east-1/sagemaker/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amzn-sagemaker-inference-component, Signature=f67bb154727c3ed6516ccc4a08ddfb610101b37f54a43b9be364a2c26e2124e5",
            canonicalRequest: "POST\n/endpoints/shared/inference-components/general/openai/v1/chat/completions\n\ncontent-type:application/json\nhost:gangway.test\nx-amz-date:20251231T235959Z\nx-amzn-sagemaker-inference-component:general\n\ncontent-type;host;x-amz-date;x-amzn-sagemaker-inference-component\n262f12ddb497fe18644fe75de504498e2d13858bb55fc1f1ee4c2d280e885cd0"
        ),
        HeaderSigningVector(
            name: "GET models with query",
            service: "sagemaker", region: "eu-west-1",
            accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            sessionToken: nil,
            now: 1714979289.0,
            method: "GET", rawPath: "/endpoints/qwen/openai/v1/models",
            rawQuery: "limit=10&after=model%2Fa%20b&flag&a=2&a=1&tilde=~x",
            body: "",
            signerInput: [("Host", "gangway.test")],
            wireHeaders: [("Host", "gangway.test"), ("X-Amz-Date", "20240506T070809Z"), ("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240506/eu-west-1/sagemaker/aws4_request, SignedHeaders=host;x-amz-date, Signature=f93ab269c851a0deda673a1690e294175f0834881f836f697b2cf2d578305ac5")],
            authorization: "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240506/eu-west-1/sagemaker/aws4_request, SignedHeaders=host;x-amz-date, Signature=f93ab269c851a0deda673a1690e294175f0834881f836f697b2cf2d578305ac5",
            canonicalRequest: "GET\n/endpoints/qwen/openai/v1/models\na=1&a=2&after=model%2Fa%20b&flag=&limit=10&tilde=~x\nhost:gangway.test\nx-amz-date:20240506T070809Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        ),
        HeaderSigningVector(
            name: "path with percent-encoded space and unicode",
            service: "sagemaker", region: "us-east-1",
            accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            sessionToken: nil,
            now: 1709164800.0,
            method: "POST", rawPath: "/endpoints/my%20model/caf%C3%A9/invocations",
            rawQuery: "",
            body: "{}",
            signerInput: [("Host", "gangway.test"), ("Content-Type", "application/json")],
            wireHeaders: [("Host", "gangway.test"), ("Content-Type", "application/json"), ("X-Amz-Date", "20240229T000000Z"), ("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240229/us-east-1/sagemaker/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=19a7508f027dcfb57c8cdd1cae331ff91ab949a1c3e1106b62f3bee8e8c4e77d")],
            authorization: "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240229/us-east-1/sagemaker/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=19a7508f027dcfb57c8cdd1cae331ff91ab949a1c3e1106b62f3bee8e8c4e77d",
            canonicalRequest: "POST\n/endpoints/my%2520model/caf%25C3%25A9/invocations\n\ncontent-type:application/json\nhost:gangway.test\nx-amz-date:20240229T000000Z\n\ncontent-type;host;x-amz-date\n44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
        ),
        HeaderSigningVector(
            name: "path with dot segments and double slashes",
            service: "sagemaker", region: "us-east-1",
            accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            sessionToken: nil,
            now: 1714979289.0,
            method: "GET", rawPath: "/a/./b/../c//d/",
            rawQuery: "",
            body: "",
            signerInput: [("Host", "gangway.test")],
            wireHeaders: [("Host", "gangway.test"), ("X-Amz-Date", "20240506T070809Z"), ("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240506/us-east-1/sagemaker/aws4_request, SignedHeaders=host;x-amz-date, Signature=8a96b4978dede86f4da12894e28c953faa8510bf4615b69ed834b8c89926d1c8")],
            authorization: "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240506/us-east-1/sagemaker/aws4_request, SignedHeaders=host;x-amz-date, Signature=8a96b4978dede86f4da12894e28c953faa8510bf4615b69ed834b8c89926d1c8",
            canonicalRequest: "GET\n/a/c/d/\n\nhost:gangway.test\nx-amz-date:20240506T070809Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        ),
        HeaderSigningVector(
            name: "path with reserved characters",
            service: "sagemaker", region: "us-east-1",
            accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            sessionToken: nil,
            now: 1714979289.0,
            method: "GET", rawPath: "/weird/a:b@c!$'()*+,;=~",
            rawQuery: "",
            body: "",
            signerInput: [("Host", "gangway.test")],
            wireHeaders: [("Host", "gangway.test"), ("X-Amz-Date", "20240506T070809Z"), ("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240506/us-east-1/sagemaker/aws4_request, SignedHeaders=host;x-amz-date, Signature=bda57b2e9003c21022abb910c122397f6ba8951bf2361895232ad021bbd00cd2")],
            authorization: "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240506/us-east-1/sagemaker/aws4_request, SignedHeaders=host;x-amz-date, Signature=bda57b2e9003c21022abb910c122397f6ba8951bf2361895232ad021bbd00cd2",
            canonicalRequest: "GET\n/weird/a%3Ab%40c%21%24%27%28%29%2A%2B%2C%3B%3D~\n\nhost:gangway.test\nx-amz-date:20240506T070809Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        ),
        HeaderSigningVector(
            name: "session token and repeated, padded headers",
            service: "sagemaker", region: "us-west-2",
            accessKeyId: "ASIAQEXAMPLEEXAMPLE1", secretAccessKey: "9drTJvcXLB89EXAMPLELB8923FB892xMFI+/EXAMPLE",
            sessionToken: "IQoJb3JpZ2luX2VjEXAMPLE/sessiontoken+with/slashes==",
            now: 1767225599.987654,
            method: "POST", rawPath: "/endpoints/e/invocations",
            rawQuery: "",
            body: "{\"x\":1}",
            signerInput: [("Host", "gangway.test"), ("Content-Type", "application/json"), ("X-Custom", "  first   value  "), ("X-Custom", "second\tvalue")],
            wireHeaders: [("Host", "gangway.test"), ("Content-Type", "application/json"), ("X-Custom", "  first   value  "), ("X-Custom", "second\tvalue"), ("X-Amz-Date", "20251231T235959Z"), ("X-Amz-Security-Token", "IQoJb3JpZ2luX2VjEXAMPLE/sessiontoken+with/slashes=="), ("Authorization", "AWS4-HMAC-SHA256 Credential=ASIAQEXAMPLEEXAMPLE1/20251231/us-west-2/sagemaker/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-custom, Signature=1c853864a6f6c664eb74ad808e1094854470420f603ab483f9938c80ee1646ca")],
            authorization: "AWS4-HMAC-SHA256 Credential=ASIAQEXAMPLEEXAMPLE1/20251231/us-west-2/sagemaker/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-custom, Signature=1c853864a6f6c664eb74ad808e1094854470420f603ab483f9938c80ee1646ca",
            canonicalRequest: "POST\n/endpoints/e/invocations\n\ncontent-type:application/json\nhost:gangway.test\nx-amz-date:20251231T235959Z\nx-amz-security-token:IQoJb3JpZ2luX2VjEXAMPLE/sessiontoken+with/slashes==\nx-custom:first value,second value\n\ncontent-type;host;x-amz-date;x-amz-security-token;x-custom\n5041bf1f713df204784353e82f6a4a535931cb64f1f4b4a5aeaffcb720918b22"
        ),
        HeaderSigningVector(
            name: "Date header instead of X-Amz-Date",
            service: "sagemaker", region: "us-east-1",
            accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            sessionToken: nil,
            now: 1714979289.0,
            method: "POST", rawPath: "/endpoints/e/invocations",
            rawQuery: "",
            body: "{}",
            signerInput: [("Host", "gangway.test"), ("Content-Type", "application/json"), ("Date", "Thu, 01 Jan 1970 00:00:00 GMT")],
            wireHeaders: [("Host", "gangway.test"), ("Content-Type", "application/json"), ("Date", "Mon, 06 May 2024 07:08:09 -0000"), ("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240506/us-east-1/sagemaker/aws4_request, SignedHeaders=content-type;date;host, Signature=1ad5be8bd9f51f3b2766fd227da48c79fea3460ae2fdde750985510d970f6c36")],
            authorization: "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240506/us-east-1/sagemaker/aws4_request, SignedHeaders=content-type;date;host, Signature=1ad5be8bd9f51f3b2766fd227da48c79fea3460ae2fdde750985510d970f6c36",
            canonicalRequest: "POST\n/endpoints/e/invocations\n\ncontent-type:application/json\ndate:Mon, 06 May 2024 07:08:09 -0000\nhost:gangway.test\n\ncontent-type;date;host\n44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
        ),
        HeaderSigningVector(
            name: "signed X-Amz-Content-Sha256",
            service: "sagemaker", region: "us-east-1",
            accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            sessionToken: nil,
            now: 1714979289.0,
            method: "POST", rawPath: "/endpoints/e/invocations",
            rawQuery: "",
            body: "{\"signed\":\"payload\"}",
            signerInput: [("Host", "gangway.test"), ("Content-Type", "application/json"), ("X-Amz-Content-Sha256", "f6a13d99585a00d82c6896606f9a379cf15f90b42f9f4285f13fd8d6f401da0e")],
            wireHeaders: [("Host", "gangway.test"), ("Content-Type", "application/json"), ("X-Amz-Content-Sha256", "f6a13d99585a00d82c6896606f9a379cf15f90b42f9f4285f13fd8d6f401da0e"), ("X-Amz-Date", "20240506T070809Z"), ("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240506/us-east-1/sagemaker/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date, Signature=5607b780a579db052f51eab9c14db3e2e0f011d8ff288a9b85dbedd6a1e05026")],
            authorization: "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240506/us-east-1/sagemaker/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date, Signature=5607b780a579db052f51eab9c14db3e2e0f011d8ff288a9b85dbedd6a1e05026",
            canonicalRequest: "POST\n/endpoints/e/invocations\n\ncontent-type:application/json\nhost:gangway.test\nx-amz-content-sha256:f6a13d99585a00d82c6896606f9a379cf15f90b42f9f4285f13fd8d6f401da0e\nx-amz-date:20240506T070809Z\n\ncontent-type;host;x-amz-content-sha256;x-amz-date\nf6a13d99585a00d82c6896606f9a379cf15f90b42f9f4285f13fd8d6f401da0e"
        ),
        HeaderSigningVector(
            name: "IAM query protocol form",
            service: "iam", region: "us-east-1",
            accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            sessionToken: nil,
            now: 1714979289.0,
            method: "POST", rawPath: "/",
            rawQuery: "",
            body: "Action=CreateUser&UserName=alice&Version=2010-05-08",
            signerInput: [("Host", "gangway.test"), ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
            wireHeaders: [("Host", "gangway.test"), ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"), ("X-Amz-Date", "20240506T070809Z"), ("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240506/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=6a81a857249571daf83661f53f1f14f8105f08735d29fd5b43dd4c9a632f9261")],
            authorization: "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240506/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=6a81a857249571daf83661f53f1f14f8105f08735d29fd5b43dd4c9a632f9261",
            canonicalRequest: "POST\n/\n\ncontent-type:application/x-www-form-urlencoded; charset=utf-8\nhost:gangway.test\nx-amz-date:20240506T070809Z\n\ncontent-type;host;x-amz-date\nee79492d31a464eabbda6b1d4bb60dd883a1367ecfac3ba5fecf9a22405c1ba1"
        ),
        HeaderSigningVector(
            name: "botocore sagemaker-runtime invoke_endpoint",
            service: "sagemaker", region: "us-east-1",
            accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            sessionToken: nil,
            now: 1714979289.0,
            method: "POST", rawPath: "/endpoints/my-endpoint/invocations",
            rawQuery: "",
            body: "{\"inputs\":\"hi\"}",
            signerInput: [("Host", "127.0.0.1:8080"), ("Content-Type", "application/json"), ("X-Amzn-SageMaker-Inference-Component", "ic1"), ("User-Agent", "Botocore/test")],
            wireHeaders: [("Host", "127.0.0.1:8080"), ("Content-Type", "application/json"), ("X-Amzn-SageMaker-Inference-Component", "ic1"), ("User-Agent", "Botocore/test"), ("X-Amz-Date", "20240506T070809Z"), ("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240506/us-east-1/sagemaker/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amzn-sagemaker-inference-component, Signature=eafc0089318b8ffb89ae78e787aee8963d2d50c9356835b6d20d75a7ac9e024f"), ("amz-sdk-invocation-id", "00000000-0000-4000-8000-000000000000"), ("amz-sdk-request", "attempt=1; max=3"), ("Content-Length", "15")],
            authorization: "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240506/us-east-1/sagemaker/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amzn-sagemaker-inference-component, Signature=eafc0089318b8ffb89ae78e787aee8963d2d50c9356835b6d20d75a7ac9e024f",
            canonicalRequest: nil
        ),
        HeaderSigningVector(
            name: "botocore sagemaker-runtime with session token",
            service: "sagemaker", region: "ap-southeast-2",
            accessKeyId: "ASIAQEXAMPLEEXAMPLE1", secretAccessKey: "9drTJvcXLB89EXAMPLELB8923FB892xMFI+/EXAMPLE",
            sessionToken: "IQoJb3JpZ2luX2VjEXAMPLE/sessiontoken+with/slashes==",
            now: 1767225599.987654,
            method: "POST", rawPath: "/endpoints/e/invocations",
            rawQuery: "",
            body: "{}",
            signerInput: [("Host", "127.0.0.1:8080"), ("Content-Type", "application/json"), ("User-Agent", "Botocore/test")],
            wireHeaders: [("Host", "127.0.0.1:8080"), ("Content-Type", "application/json"), ("User-Agent", "Botocore/test"), ("X-Amz-Date", "20251231T235959Z"), ("X-Amz-Security-Token", "IQoJb3JpZ2luX2VjEXAMPLE/sessiontoken+with/slashes=="), ("Authorization", "AWS4-HMAC-SHA256 Credential=ASIAQEXAMPLEEXAMPLE1/20251231/ap-southeast-2/sagemaker/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature=fac260f3583aae6e36fec608385f4ede6916bfb636861fc1f772386f429f51d0"), ("amz-sdk-invocation-id", "00000000-0000-4000-8000-000000000000"), ("amz-sdk-request", "attempt=1; max=3"), ("Content-Length", "2")],
            authorization: "AWS4-HMAC-SHA256 Credential=ASIAQEXAMPLEEXAMPLE1/20251231/ap-southeast-2/sagemaker/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature=fac260f3583aae6e36fec608385f4ede6916bfb636861fc1f772386f429f51d0",
            canonicalRequest: nil
        ),
        HeaderSigningVector(
            name: "botocore iam create_user",
            service: "iam", region: "us-east-1",
            accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            sessionToken: nil,
            now: 1714979289.0,
            method: "POST", rawPath: "/",
            rawQuery: "",
            body: "Action=CreateUser&Version=2010-05-08&UserName=alice",
            signerInput: [("Host", "127.0.0.1:8080"), ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"), ("User-Agent", "Botocore/test")],
            wireHeaders: [("Host", "127.0.0.1:8080"), ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"), ("User-Agent", "Botocore/test"), ("X-Amz-Date", "20240506T070809Z"), ("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240506/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=8407e40d7345859f73771cce5bc733be5749816db56849a1cb65ed6509db43d4"), ("amz-sdk-invocation-id", "00000000-0000-4000-8000-000000000000"), ("amz-sdk-request", "attempt=1; max=3"), ("Content-Length", "51")],
            authorization: "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240506/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=8407e40d7345859f73771cce5bc733be5749816db56849a1cb65ed6509db43d4",
            canonicalRequest: nil
        ),
        HeaderSigningVector(
            name: "botocore sts get_caller_identity",
            service: "sts", region: "us-east-1",
            accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            sessionToken: nil,
            now: 1709164800.0,
            method: "POST", rawPath: "/",
            rawQuery: "",
            body: "Action=GetCallerIdentity&Version=2011-06-15",
            signerInput: [("Host", "127.0.0.1:8080"), ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"), ("User-Agent", "Botocore/test")],
            wireHeaders: [("Host", "127.0.0.1:8080"), ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"), ("User-Agent", "Botocore/test"), ("X-Amz-Date", "20240229T000000Z"), ("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240229/us-east-1/sts/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=955b218728378ed4e2e5ee4dfaf9b0cd5f537647e94e26e42004181aa6a17dfe"), ("amz-sdk-invocation-id", "00000000-0000-4000-8000-000000000000"), ("amz-sdk-request", "attempt=1; max=3"), ("Content-Length", "43")],
            authorization: "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240229/us-east-1/sts/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=955b218728378ed4e2e5ee4dfaf9b0cd5f537647e94e26e42004181aa6a17dfe",
            canonicalRequest: nil
        ),
    ]

    static let bearerTokens: [BearerTokenVector] = [
        BearerTokenVector(
            name: "default 12 hours", region: "us-east-1",
            accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            sessionToken: nil,
            issuedAt: 1714979289.0, expiresInSeconds: 43200,
            token: "sagemaker-api-key-c2FnZW1ha2VyLmFtYXpvbmF3cy5jb20vP0FjdGlvbj1DYWxsV2l0aEJlYXJlclRva2VuJlgtQW16LUFsZ29yaXRobT1BV1M0LUhNQUMtU0hBMjU2JlgtQW16LUNyZWRlbnRpYWw9QUtJQUlPU0ZPRE5ON0VYQU1QTEUlMkYyMDI0MDUwNiUyRnVzLWVhc3QtMSUyRnNhZ2VtYWtlciUyRmF3czRfcmVxdWVzdCZYLUFtei1EYXRlPTIwMjQwNTA2VDA3MDgwOVomWC1BbXotRXhwaXJlcz00MzIwMCZYLUFtei1TaWduZWRIZWFkZXJzPWhvc3QmWC1BbXotU2lnbmF0dXJlPWMxMjgyZjliMWE3ZDNiNmMxMzFmNDA0ZmY3YTZlYmNkMzRmNWU4YzQyMWY1Njk0ZDMzNTZiMWU5OGMzNjNhZjAmVmVyc2lvbj0x"
        ),
        BearerTokenVector(
            name: "15 minutes", region: "us-east-1",
            accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            sessionToken: nil,
            issuedAt: 1735689599.5, expiresInSeconds: 900,
            token: "sagemaker-api-key-c2FnZW1ha2VyLmFtYXpvbmF3cy5jb20vP0FjdGlvbj1DYWxsV2l0aEJlYXJlclRva2VuJlgtQW16LUFsZ29yaXRobT1BV1M0LUhNQUMtU0hBMjU2JlgtQW16LUNyZWRlbnRpYWw9QUtJQUlPU0ZPRE5ON0VYQU1QTEUlMkYyMDI0MTIzMSUyRnVzLWVhc3QtMSUyRnNhZ2VtYWtlciUyRmF3czRfcmVxdWVzdCZYLUFtei1EYXRlPTIwMjQxMjMxVDIzNTk1OVomWC1BbXotRXhwaXJlcz05MDAmWC1BbXotU2lnbmVkSGVhZGVycz1ob3N0JlgtQW16LVNpZ25hdHVyZT00MWI1ZGU2NzQzMjRiYjgyYzk1YzNmZDU1NDEyNmI5NjQwODQwZmQ5OWM2NGFkN2RkN2JmNTkxN2E3ZTFkZTA4JlZlcnNpb249MQ=="
        ),
        BearerTokenVector(
            name: "one second", region: "us-east-1",
            accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            sessionToken: nil,
            issuedAt: 1735689600.0, expiresInSeconds: 1,
            token: "sagemaker-api-key-c2FnZW1ha2VyLmFtYXpvbmF3cy5jb20vP0FjdGlvbj1DYWxsV2l0aEJlYXJlclRva2VuJlgtQW16LUFsZ29yaXRobT1BV1M0LUhNQUMtU0hBMjU2JlgtQW16LUNyZWRlbnRpYWw9QUtJQUlPU0ZPRE5ON0VYQU1QTEUlMkYyMDI1MDEwMSUyRnVzLWVhc3QtMSUyRnNhZ2VtYWtlciUyRmF3czRfcmVxdWVzdCZYLUFtei1EYXRlPTIwMjUwMTAxVDAwMDAwMFomWC1BbXotRXhwaXJlcz0xJlgtQW16LVNpZ25lZEhlYWRlcnM9aG9zdCZYLUFtei1TaWduYXR1cmU9NGUwNDRmOTM0MGE2OWM3ZDAwYjAzN2M4ZTIyNmFlZmJmZGMzOTRkYTFiZWUyZjFlNDI3YTEzNDAwZGVkNjYwNiZWZXJzaW9uPTE="
        ),
        BearerTokenVector(
            name: "other region", region: "eu-central-1",
            accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            sessionToken: nil,
            issuedAt: 1709208000.0, expiresInSeconds: 3600,
            token: "sagemaker-api-key-c2FnZW1ha2VyLmFtYXpvbmF3cy5jb20vP0FjdGlvbj1DYWxsV2l0aEJlYXJlclRva2VuJlgtQW16LUFsZ29yaXRobT1BV1M0LUhNQUMtU0hBMjU2JlgtQW16LUNyZWRlbnRpYWw9QUtJQUlPU0ZPRE5ON0VYQU1QTEUlMkYyMDI0MDIyOSUyRmV1LWNlbnRyYWwtMSUyRnNhZ2VtYWtlciUyRmF3czRfcmVxdWVzdCZYLUFtei1EYXRlPTIwMjQwMjI5VDEyMDAwMFomWC1BbXotRXhwaXJlcz0zNjAwJlgtQW16LVNpZ25lZEhlYWRlcnM9aG9zdCZYLUFtei1TaWduYXR1cmU9MzE3YmU4OWU4ZGNmNzkwMzllMzIzZjg1NWE2YTc2MWI3YTM5OTU2YjA2ZjBiMTkwNjg4ZDZmYmM1MzkxZTQ0ZCZWZXJzaW9uPTE="
        ),
        BearerTokenVector(
            name: "session token", region: "us-west-2",
            accessKeyId: "ASIAQEXAMPLEEXAMPLE1", secretAccessKey: "9drTJvcXLB89EXAMPLELB8923FB892xMFI+/EXAMPLE",
            sessionToken: "IQoJb3JpZ2luX2VjEXAMPLE/sessiontoken+with/slashes==",
            issuedAt: 1772353800.0, expiresInSeconds: 7200,
            token: "sagemaker-api-key-c2FnZW1ha2VyLmFtYXpvbmF3cy5jb20vP0FjdGlvbj1DYWxsV2l0aEJlYXJlclRva2VuJlgtQW16LUFsZ29yaXRobT1BV1M0LUhNQUMtU0hBMjU2JlgtQW16LUNyZWRlbnRpYWw9QVNJQVFFWEFNUExFRVhBTVBMRTElMkYyMDI2MDMwMSUyRnVzLXdlc3QtMiUyRnNhZ2VtYWtlciUyRmF3czRfcmVxdWVzdCZYLUFtei1EYXRlPTIwMjYwMzAxVDA4MzAwMFomWC1BbXotRXhwaXJlcz03MjAwJlgtQW16LVNpZ25lZEhlYWRlcnM9aG9zdCZYLUFtei1TZWN1cml0eS1Ub2tlbj1JUW9KYjNKcFoybHVYMlZqRVhBTVBMRSUyRnNlc3Npb250b2tlbiUyQndpdGglMkZzbGFzaGVzJTNEJTNEJlgtQW16LVNpZ25hdHVyZT01ZjYzYjc1OTQwMTM1ZDlmMzVlMjRmNjcwMzg4NTlhNGNhMzAyZDVhNTA3NDE5YmQyZTI3YjUzMGRhOTA4NTc5JlZlcnNpb249MQ=="
        ),
    ]

    static let canonicalPaths: [(raw: String, canonical: String)] = [("", "/"), ("/", "/"), ("/endpoints/e/invocations", "/endpoints/e/invocations"), ("/a%20b", "/a%2520b"), ("/a b", "/a%20b"), ("/caf%C3%A9", "/caf%25C3%25A9"), ("/a/./b/../../c", "/c"), ("/../x", "/x"), ("//double//slash//", "/double/slash/"), ("/trailing/", "/trailing/"), ("/~user/x_y-z.w", "/~user/x_y-z.w"), ("/a:b@c!$'()*+,;=", "/a%3Ab%40c%21%24%27%28%29%2A%2B%2C%3B%3D"), ("/percent%25", "/percent%2525"), ("/%7E", "/%257E")]

    static let canonicalQueries: [(raw: String, canonical: String)] = [("", ""), ("a=1", "a=1"), ("b=2&a=1", "a=1&b=2"), ("a=2&a=1&a=10", "a=1&a=10&a=2"), ("flag", "flag="), ("x=a%20b&y=%2F", "x=a%20b&y=%2F"), ("k%20ey=v", "k%20ey=v"), ("z=&a=", "a=&z="), ("Action=ListUsers&Version=2010-05-08", "Action=ListUsers&Version=2010-05-08"), ("a=%E2%9C%93", "a=%E2%9C%93")]

    static let signingKeys: [(secret: String, dateStamp: String, region: String, service: String, hex: String)] = 
        [("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "20240506", "us-east-1", "sagemaker", "449135de6ade75f897cfcaa2f2714a46a66fdad0af5fa1ea742c9454bdea8032"), ("9drTJvcXLB89EXAMPLELB8923FB892xMFI+/EXAMPLE", "20251231", "eu-west-1", "iam", "ae7a8ebe3e70fc47568e9c025261bf91f1bbdf45f696a194c64766a9d446a68f"), ("", "20000101", "x", "y", "6c7f9c4d14ef1b8fe65e7ec0e0092743614472a02be88e692988cffd12164696")]

    static let dates: [(epoch: Double, amzDate: String, httpDate: String)] = [(0.0, "19700101T000000Z", "Thu, 01 Jan 1970 00:00:00 -0000"), (951782400.0, "20000229T000000Z", "Tue, 29 Feb 2000 00:00:00 -0000"), (1709164799.0, "20240228T235959Z", "Wed, 28 Feb 2024 23:59:59 -0000"), (1714979289.75, "20240506T070809Z", "Mon, 06 May 2024 07:08:09 -0000"), (4102444800.0, "21000101T000000Z", "Fri, 01 Jan 2100 00:00:00 -0000"), (-86400.0, "19691231T000000Z", "Wed, 31 Dec 1969 00:00:00 -0000")]

    static let base64: [(plain: String, encoded: String)] = [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy"), ("sagemaker.amazonaws.com/?Action=x", "c2FnZW1ha2VyLmFtYXpvbmF3cy5jb20vP0FjdGlvbj14"), ("\u{ff}\u{fe}", "w7/Dvg==")]
}

// kefu from Java through JNA (default-jdk-headless, libjna-java): opens a
// shop in memory, applies an order and an after-sales ticket, prints each
// answer's decisions and checks them. Run as a single source file:
//   java -cp /usr/share/java/jna.jar KefuShop.java /path/to/libkefu_c.so
// (a static build's libkefu_c.so, or a shared build's libkefu.so).
// docs/bindings.md walks through it.
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import java.nio.charset.StandardCharsets;

public class KefuShop {
  // The part of kefu/c.h used here; size_t is a Java long (64-bit Linux).
  public interface Kefu extends Library {
    String kefu_version();
    void kefu_free(Pointer p);
    int kefu_shop_open(byte[] db, long dbLen, Pointer policy, int flags, PointerByReference shop,
                       PointerByReference errmsg);
    void kefu_shop_close(Pointer shop);
    int kefu_shop_apply(Pointer shop, byte[] event, long eventLen, PointerByReference answer,
                        LongByReference answerLen, PointerByReference errmsg);
  }

  static final int KEFU_LANG_EN = 1;

  // A buffer kefu returned, as a Java string; the buffer freed.
  static String take(Kefu kefu, Pointer p, long n) {
    String s = new String(p.getByteArray(0, (int) n), StandardCharsets.UTF_8);
    kefu.kefu_free(p);
    return s;
  }

  static String apply(Kefu kefu, Pointer shop, String event) {
    byte[] bytes = event.getBytes(StandardCharsets.UTF_8);
    PointerByReference answer = new PointerByReference();
    LongByReference len = new LongByReference();
    PointerByReference err = new PointerByReference();
    int rc = kefu.kefu_shop_apply(shop, bytes, bytes.length, answer, len, err);
    if (rc != 0) {
      throw new IllegalStateException("kefu_shop_apply: status " + rc + ": "
          + err.getValue().getString(0, "UTF-8"));
    }
    return take(kefu, answer.getValue(), len.getValue());
  }

  // A real host parses the answer with its JSON library (Jackson, Gson);
  // this example only prints and checks it.
  static boolean has(String answer, String part) { return answer.contains(part); }

  public static void main(String[] args) {
    Kefu kefu = Native.load(args[0], Kefu.class);
    PointerByReference shopRef = new PointerByReference();
    PointerByReference err = new PointerByReference();
    if (kefu.kefu_shop_open(null, 0, null, KEFU_LANG_EN, shopRef, err) != 0) {
      throw new IllegalStateException("kefu_shop_open: " + err.getValue().getString(0, "UTF-8"));
    }
    Pointer shop = shopRef.getValue();
    System.out.println("kefu " + kefu.kefu_version() + " from Java "
        + System.getProperty("java.version"));
    String order = apply(kefu, shop, "{\"id\":\"o1\",\"at\":\"2026-11-02T09:00:00+08:00\","
        + "\"agent\":\"小王\",\"entity\":\"order\",\"key\":\"T1\",\"type\":\"placed\","
        + "\"fields\":{\"channel\":\"tmall\",\"buyer\":{\"im_name\":\"tb_buyer\","
        + "\"phone\":\"13800000000\"},\"lines\":[{\"product\":\"N86手机壳\",\"quantity\":1,"
        + "\"unit_price\":\"25.00\"}],\"postage\":\"10.00\",\"payment\":\"platform\","
        + "\"paid\":true,\"address\":{\"province\":\"广东省\",\"city\":\"深圳市\","
        + "\"district\":\"南山区\",\"detail\":\"科技园1号\"},\"courier\":\"SF\"}}");
    String pass = apply(kefu, shop, "{\"id\":\"o1-pass\",\"at\":\"2026-11-02T09:06:00+08:00\","
        + "\"agent\":\"小王\",\"entity\":\"order\",\"key\":\"T1\",\"type\":\"check_passed\"}");
    String ticket = apply(kefu, shop, "{\"id\":\"s1\",\"at\":\"2026-11-02T10:00:00+08:00\","
        + "\"agent\":\"小李\",\"entity\":\"ticket\",\"key\":\"S1\",\"type\":\"registered\","
        + "\"fields\":{\"order_id\":\"T0\",\"kind\":\"return_refund\",\"category\":\"不喜欢\","
        + "\"details\":\"客户不喜欢颜色\",\"lines\":[{\"product\":\"N86手机壳\",\"quantity\":1}],"
        + "\"customer_province\":\"广东省\",\"shop_province\":\"广东省\","
        + "\"return_postage\":\"shop\",\"repayment\":\"alipay_refund\"}}");
    for (String a : new String[] {order, pass, ticket}) System.out.println(a);
    kefu.kefu_shop_close(shop);
    if (!has(order, "\"result\":\"applied\"") || !has(pass, "\"result\":\"refused\"")
        || !has(pass, "\"rule\":\"ORD-VERIFY\"") || !has(ticket, "\"result\":\"applied\"")) {
      System.err.println("unexpected answers");
      System.exit(1);
    }
  }
}

package permissions_test

import (
	"errors"
	"fmt"

	"github.com/gatehouse-go/gatehouse/permissions"
)

func ExampleParse() {
	p, err := permissions.Parse("posts:delete")
	fmt.Println(p.Resource(), p.Action(), err)

	_, err = permissions.Parse("posts:delete:all")
	fmt.Println(errors.Is(err, permissions.ErrInvalidPermission))
	fmt.Println(err)
	// Output:
	// posts delete <nil>
	// true
	// invalid permission: "posts:delete:all": more than one colon
}

func ExamplePermission_Covers() {
	fmt.Println(permissions.Permission("posts:*").Covers(permissions.PostsDelete))
	fmt.Println(permissions.PostsRead.Covers(permissions.PostsDelete))
	// Output:
	// true
	// false
}
